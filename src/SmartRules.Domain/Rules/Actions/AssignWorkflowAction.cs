using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;

namespace SmartRules.Domain.Rules.Actions;

/// <summary>Sets the customer's single workflow; overrides a manual assignment.</summary>
public sealed class AssignWorkflowAction(string workflowId) : RuleAction
{
    public string WorkflowId { get; } = workflowId;

    public override ActionType Type => ActionType.AssignWorkflow;

    internal override string? ConflictKey => "workflow";

    internal override ActionEffect Apply(CustomerSnapshot customer, ITenantDirectory directory, CompiledRule rule) =>
        directory.HasWorkflow(WorkflowId)
            ? new(customer.Workflow == WorkflowId ? customer : customer with { Workflow = WorkflowId }, true)
            : ActionEffect.Skipped(customer, $"workflow '{WorkflowId}' no longer exists in the tenant; nothing assigned");
}
