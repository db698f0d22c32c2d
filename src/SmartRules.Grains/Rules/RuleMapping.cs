using SmartRules.Contracts;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Tenants;
using SmartRules.Domain.Rules.Definitions;

namespace SmartRules.Grains.Rules;

/// <summary>Between the wire records of rules and the domain's definitions.</summary>
public static class RuleMapping
{
    public static RuleDefinition ToDomain(this RuleDefinitionDto dto) => new(
        dto.Name,
        dto.Trigger is null ? null : new TriggerDefinition(dto.Trigger.Type, dto.Trigger.Direction, dto.Trigger.Value?.ToDomain()),
        dto.Conditions.ToDomain(),
        dto.Action is null ? null : new ActionDefinition(dto.Action.Type)
        {
            Users = dto.Action.Users,
            FromCustomFields = dto.Action.FromCustomFields,
            WorkflowId = dto.Action.WorkflowId,
            Methods = dto.Action.Methods,
            Recipient = dto.Action.Recipient is null ? null : new RecipientDefinition(dto.Action.Recipient.User, dto.Action.Recipient.CustomField),
            Channel = dto.Action.Channel,
            Subject = dto.Action.Subject,
            Body = dto.Action.Body,
        });

    /// <summary>Conditions as written (a rule's, a list filter's, a bulk action's); a null entry stays null, to be refused.</summary>
    public static ConditionDefinition[]? ToDomain(this IReadOnlyList<ConditionDto>? conditions) =>
        conditions?.Select(c => c is null ? null! : new ConditionDefinition(c.Field, c.Operator, c.Value?.ToDomain())).ToArray();

    /// <summary>Compiles written conditions against a tenant's directory: the filter, or every problem at its path.</summary>
    public static (IReadOnlyList<Condition>? Conditions, IReadOnlyList<FieldProblem> Problems) Compile(
        this IReadOnlyList<ConditionDto>? conditions, ITenantDirectory directory)
    {
        var (compiled, problems) = RuleCompiler.CompileConditions(conditions.ToDomain(), directory);
        return (compiled, [.. problems.Select(p => p.ToContract())]);
    }

    public static RuleValue ToDomain(this RuleValueDto value) => value.Kind switch
    {
        RuleValueKind.Number => new RuleValue.Number(value.Number),
        RuleValueKind.Text => new RuleValue.Text(value.Text ?? ""),
        RuleValueKind.TextList => new RuleValue.TextList(value.List ?? []),
        _ => new RuleValue.Other(value.Text ?? "an unsupported value"),
    };

    public static FieldProblem ToContract(this RuleProblem problem) => new(problem.Path, problem.Message);
}
