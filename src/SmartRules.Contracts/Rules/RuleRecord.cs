namespace SmartRules.Contracts.Rules;

/// <summary>A stored rule: its id, current version, whether it is active, and its definition.</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.RuleRecord")]
public sealed record RuleRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] int Version,
    [property: Id(2)] bool Active,
    [property: Id(3)] RuleDefinitionDto Definition);

/// <summary>A tenant's whole rule set at one version, in rule-set order.</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.RuleSetSnapshot")]
public sealed record RuleSetSnapshot([property: Id(0)] long Version, [property: Id(1)] IReadOnlyList<RuleRecord> Rules);

public enum RuleChangeStatus
{
    Ok,
    NotFound,
    Invalid,
}

[GenerateSerializer, Immutable, Alias("SmartRules.RuleChangeResult")]
public sealed record RuleChangeResult(
    [property: Id(0)] RuleChangeStatus Status,
    [property: Id(1)] RuleRecord? Rule,
    [property: Id(2)] IReadOnlyList<FieldProblem> Problems)
{
    public static RuleChangeResult NotFound { get; } = new(RuleChangeStatus.NotFound, null, []);

    public static RuleChangeResult Invalid(IReadOnlyList<FieldProblem> problems) => new(RuleChangeStatus.Invalid, null, problems);

    public static RuleChangeResult Ok(RuleRecord rule) => new(RuleChangeStatus.Ok, rule, []);
}
