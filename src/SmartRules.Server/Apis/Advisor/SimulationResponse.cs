using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SmartRules.Grains.Advisor;
using SmartRules.Grains.Customers;

namespace SmartRules.Server.Apis.Advisor;

/// <summary>What activating a rule with applyToExisting would do to the tenant's existing customers, and what it would not
/// reach without it (API.md "Advisor").</summary>
public sealed record SimulationResponse(
    [property: Description("All the tenant's customers.")] long Total,
    [property: Description("Excluded customers: never touched.")] long Excluded,
    [property: Description("The others whose conditions hold now.")] long MatchingConditions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never), Description("Of those, the ones strictly beyond a threshold rule's value: updates will not fire it for them until they cross back; only apply-to-existing reaches them. Null for other triggers.")] long? BeyondThreshold,
    [property: Description("Customers apply-to-existing would act on: a change of state (cascade included) or a notification.")] long WouldChange,
    IReadOnlyList<SimulatedCustomerResponse> Sample)
{
    public static SimulationResponse From(Simulation s) =>
        new(s.Total, s.Excluded, s.MatchingConditions, s.BeyondThreshold, s.WouldChange, [.. s.Sample.Select(SimulatedCustomerResponse.From)]);
}

/// <summary>One customer that would change: the fields that would change, before and after, and the notifications.</summary>
public sealed record SimulatedCustomerResponse(string Id, JsonObject Before, JsonObject After, int Notifications)
{
    public static SimulatedCustomerResponse From(SimulatedCustomer c) => new(
        c.Id,
        JsonNode.Parse(CustomerMapping.ValuesJson(c.Changes, before: true))!.AsObject(),
        JsonNode.Parse(CustomerMapping.ValuesJson(c.Changes, before: false))!.AsObject(),
        c.Notifications);
}

/// <summary>POST /api/backfills with "dryRun": true: what the backfill or bulk action would do, nothing written.</summary>
public sealed record BackfillDryRunResponse(
    [property: Description("Non-excluded customers the bulk filter selects (for allActiveRules: those some active rule matches as an existing customer).")] long Matched,
    [property: Description("Those it would change (cascade included) or notify.")] long WouldChange,
    IReadOnlyList<SimulatedCustomerResponse> Sample)
{
    public static BackfillDryRunResponse From(Simulation s) => new(s.MatchingConditions, s.WouldChange, [.. s.Sample.Select(SimulatedCustomerResponse.From)]);
}
