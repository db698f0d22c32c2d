using System.ComponentModel;

namespace SmartRules.Server.Apis.Advisor;

/// <summary>The body of POST /api/rules/simulate: a saved rule or a draft, not both.</summary>
public sealed record SimulateRequest(
    [property: Description("A saved rule, active or not.")] string? RuleId,
    [property: Description("A draft rule, checked like a rule create (problems name rule.<field>).")] RuleRequest? Rule);
