using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;

namespace SmartRules.Contracts.Advisor;

/// <summary>
/// What POST /api/explain asks a customer grain: run this update (empty: none) through the tenant's active rules, plus
/// <see cref="Rule"/> (a draft) at <see cref="Position"/> or in the place of <see cref="Replaces"/>, without writing.
/// </summary>
[GenerateSerializer, Immutable, Alias("SmartRules.ExplainCommand")]
public sealed record ExplainCommand(
    [property: Id(0)] CustomerUpdateCommand Update,
    [property: Id(1)] RuleDefinitionDto? Rule = null,
    [property: Id(2)] int? Position = null,
    [property: Id(3)] string? Replaces = null);
