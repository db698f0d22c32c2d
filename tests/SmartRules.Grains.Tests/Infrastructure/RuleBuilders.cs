using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;

namespace SmartRules.Grains.Tests.Infrastructure;

/// <summary>Short ways to write rules and updates in cluster tests.</summary>
internal static class RuleBuilders
{
    public static TriggerDto OutstandingExceeds(decimal value) => new("outstandingAmountThreshold", "exceeds", new RuleValueDto(RuleValueKind.Number, value));

    public static TriggerDto CreatedOrUpdated => new("customerCreatedOrUpdated");

    public static TriggerDto Created => new("customerCreated");

    public static ConditionDto When(string field, string op, string value) => new(field, op, new RuleValueDto(RuleValueKind.Text, Text: value));

    public static ActionDto Workflow(string id) => new("assignWorkflow") { WorkflowId = id };

    public static ActionDto Notify(string channel, string user = "ann@acme.test") => new("sendNotification")
    {
        Recipient = new RecipientDto(User: user),
        Channel = channel,
        Subject = "Balance alert for {{ customer.name }}",
        Body = "{{ customer.name }} owes {{ customer.outstandingAmount }}",
    };

    public static RuleDefinitionDto Rule(string name, TriggerDto trigger, ActionDto action, params ConditionDto[] conditions) =>
        new(name, trigger, conditions, action);

    public static CustomerUpdateCommand Outstanding(decimal amount, long? sequence = null, string? name = null) => new()
    {
        OutstandingAmount = Patch.Set(amount),
        Name = name is null ? default : Patch.Set<string?>(name),
        Sequence = sequence,
    };
}
