namespace SmartRules.Contracts.Advisor;

/// <summary>
/// One advice warning on a rule (API.md "Advisor"): a code, a message that says what to do, and for the codes that
/// count customers the count; <see cref="RelatedRuleId"/> for <c>shadowed</c>. Warnings never block saving.
/// </summary>
[GenerateSerializer, Immutable, Alias("SmartRules.RuleWarning")]
public sealed record RuleWarning(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message,
    [property: Id(2)] long? Count = null,
    [property: Id(3)] string? RelatedRuleId = null);

/// <summary>The customer-counting warnings of one rule version as the last GET /api/rules/{id}/advice computed them.</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.StoredAdvice")]
public sealed record StoredAdvice(
    [property: Id(0)] int RuleVersion,
    [property: Id(1)] DateTimeOffset ComputedAt,
    [property: Id(2)] IReadOnlyList<RuleWarning> Warnings);
