namespace SmartRules.Contracts.Customers;

public enum CustomerUpdateStatus
{
    Created,
    Updated,

    /// <summary>Nothing changed; the sequence (if any) was recorded.</summary>
    Unchanged,

    /// <summary>The sequence was not above the last applied one: acknowledged, nothing changed.</summary>
    Stale,

    /// <summary>The customer is excluded: refused, nothing changed (HTTP 409).</summary>
    Excluded,

    /// <summary>The update is invalid (see <see cref="CustomerUpdateResult.Problems"/>): nothing changed (HTTP 400).</summary>
    Invalid,
}

/// <summary>A rule whose action took effect (API.md <c>firedRules</c>).</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.FiredRule")]
public sealed record FiredRule([property: Id(0)] string RuleId, [property: Id(1)] int RuleVersion, [property: Id(2)] string Action);

/// <summary>The answer to an update, given only once its effects are durable.</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.CustomerUpdateResult")]
public sealed record CustomerUpdateResult(
    [property: Id(0)] CustomerUpdateStatus Status,
    [property: Id(1)] CustomerView? Customer,
    [property: Id(2)] IReadOnlyList<FiredRule> FiredRules,
    [property: Id(3)] IReadOnlyList<FieldProblem> Problems);
