namespace SmartRules.Contracts.Rules;

public enum RuleValueKind
{
    Number,
    Text,
    TextList,

    /// <summary>Anything else the client sent (a boolean, an object …), kept to be refused with a clear message.</summary>
    Other,
}

/// <summary>A trigger threshold or condition operand as the client wrote it.</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.RuleValue")]
public sealed record RuleValueDto(
    [property: Id(0)] RuleValueKind Kind,
    [property: Id(1)] decimal Number = 0,
    [property: Id(2)] string? Text = null,
    [property: Id(3)] IReadOnlyList<string>? List = null);

[GenerateSerializer, Immutable, Alias("SmartRules.Trigger")]
public sealed record TriggerDto(
    [property: Id(0)] string? Type,
    [property: Id(1)] string? Direction = null,
    [property: Id(2)] RuleValueDto? Value = null);

[GenerateSerializer, Immutable, Alias("SmartRules.Condition")]
public sealed record ConditionDto(
    [property: Id(0)] string? Field,
    [property: Id(1)] string? Operator,
    [property: Id(2)] RuleValueDto? Value);

[GenerateSerializer, Immutable, Alias("SmartRules.Recipient")]
public sealed record RecipientDto([property: Id(0)] string? User = null, [property: Id(1)] string? CustomField = null);

[GenerateSerializer, Immutable, Alias("SmartRules.Action")]
public sealed record ActionDto([property: Id(0)] string? Type)
{
    [Id(1)] public IReadOnlyList<string>? Users { get; init; }

    [Id(2)] public IReadOnlyList<string>? FromCustomFields { get; init; }

    [Id(3)] public string? WorkflowId { get; init; }

    [Id(4)] public IReadOnlyList<string>? Methods { get; init; }

    [Id(5)] public RecipientDto? Recipient { get; init; }

    [Id(6)] public string? Channel { get; init; }

    [Id(7)] public string? Subject { get; init; }

    [Id(8)] public string? Body { get; init; }
}

/// <summary>A rule as the client wrote it (API.md "Rules").</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.RuleDefinition")]
public sealed record RuleDefinitionDto(
    [property: Id(0)] string? Name,
    [property: Id(1)] TriggerDto? Trigger,
    [property: Id(2)] IReadOnlyList<ConditionDto>? Conditions,
    [property: Id(3)] ActionDto? Action);
