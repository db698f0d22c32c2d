using System.ComponentModel;

namespace SmartRules.Server.Apis.Advisor;

/// <summary>
/// The body of POST /api/explain as the OpenAPI document describes it. The server reads it property by property
/// (<see cref="ExplainApi"/>), since its <c>update</c> keeps the PUT body's absent-versus-null meaning.
/// </summary>
public sealed class ExplainRequest
{
    [Description("The customer to explain; one that does not exist is evaluated as a new customer.")]
    public required string CustomerId { get; init; }

    [Description("A customer update body, as for PUT /api/customers/{id}; absent: an empty update (nothing changes, so no rule runs). Its sequence is not checked.")]
    public CustomerUpdateBody? Update { get; init; }

    [Description("A draft rule, checked like a rule create (problems name rule.<field>), reported with ruleId \"draft\".")]
    public RuleRequest? Rule { get; init; }

    [Description("Where the draft goes: an index in GET /api/rules order, inactive rules included; default last.")]
    public int? Position { get; init; }

    [Description("A rule id: the draft takes its place and the rule is left out (an edit checked before it is saved).")]
    public string? Replaces { get; init; }
}
