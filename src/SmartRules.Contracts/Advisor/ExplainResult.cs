using SmartRules.Contracts.Customers;

namespace SmartRules.Contracts.Advisor;

/// <summary>
/// What a real update would do (API.md "Advisor"): the customer after it, the fields the update itself changed, and
/// every active rule (and the draft) in rule-set order with its outcome and why.
/// </summary>
[GenerateSerializer, Immutable, Alias("SmartRules.ExplainResult")]
public sealed record ExplainResult(
    [property: Id(0)] ExplainStatus Status,
    [property: Id(1)] CustomerView? Customer,
    [property: Id(2)] IReadOnlyList<string> Changed,
    [property: Id(3)] IReadOnlyList<RuleExplanation> Rules,
    [property: Id(4)] IReadOnlyList<FieldProblem> Problems,
    [property: Id(5)] IReadOnlyList<FiredRule> FiredRules);

/// <summary>
/// One rule of an explanation. Values that may be numbers, texts or lists travel as JSON text (<c>…Json</c>) so that
/// the HTTP answer shows them with their JSON type (7000, not "7000").
/// </summary>
[GenerateSerializer, Immutable, Alias("SmartRules.RuleExplanation")]
public sealed record RuleExplanation(
    [property: Id(0)] string RuleId,
    [property: Id(1)] int RuleVersion,
    [property: Id(2)] string Name,
    [property: Id(3)] int Round,
    [property: Id(4)] string Outcome,
    [property: Id(5)] TriggerExplanation Trigger,
    [property: Id(6)] IReadOnlyList<ConditionExplanation> Conditions,
    [property: Id(7)] string? EffectBeforeJson,
    [property: Id(8)] string? EffectAfterJson,
    [property: Id(9)] string? Note);

[GenerateSerializer, Immutable, Alias("SmartRules.TriggerExplanation")]
public sealed record TriggerExplanation(
    [property: Id(0)] string Type,
    [property: Id(1)] bool Fired,
    [property: Id(2)] string BeforeJson,
    [property: Id(3)] string AfterJson,
    [property: Id(4)] string Reason);

[GenerateSerializer, Immutable, Alias("SmartRules.ConditionExplanation")]
public sealed record ConditionExplanation(
    [property: Id(0)] string Field,
    [property: Id(1)] string Operator,
    [property: Id(2)] string ValueJson,
    [property: Id(3)] string ActualJson,
    [property: Id(4)] bool Passed,
    [property: Id(5)] string? Hint);
