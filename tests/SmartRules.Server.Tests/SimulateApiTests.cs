using System.Net;
using System.Text.Json.Nodes;

namespace SmartRules.Server.Tests;

/// <summary>
/// POST /api/rules/simulate and dry runs of POST /api/backfills on a small tenant where every figure is known:
/// a (9000, B2B), b (7000, B2B, already in collections), c (3000, B2B), d (9000, B2C), e (9000, B2B, excluded),
/// f (9000, "b2b"). Active rules: "pay" (collections → card) and "slow out" (delay > 90 → exclude).
/// </summary>
public sealed class SimulateApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string BigB2B = """{"name":"Big B2B","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],"action":{"type":"assignWorkflow","workflowId":"collections"}}""";

    private async Task<HttpClient> TenantAsync()
    {
        var (_, client) = await api.TenantAsync();
        await client.PostJson("/api/rules", """{"name":"pay","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"workflow","operator":"contains","value":"collections"}],"action":{"type":"assignPaymentMethods","methods":["card"]},"active":true}""");
        await client.PostJson("/api/rules", """{"name":"slow out","trigger":{"type":"averagePaymentDelayThreshold","direction":"exceeds","value":90},"action":{"type":"exclude"},"active":true}""");
        await client.PutJson("/api/customers/a", """{"outstandingAmount":9000,"customFields":{"Segment":"B2B"}}""");
        await client.PutJson("/api/customers/b", """{"outstandingAmount":7000,"customFields":{"Segment":"B2B"},"workflow":"collections"}""");
        await client.PutJson("/api/customers/c", """{"outstandingAmount":3000,"customFields":{"Segment":"B2B"}}""");
        await client.PutJson("/api/customers/d", """{"outstandingAmount":9000,"customFields":{"Segment":"B2C"}}""");
        await client.PutJson("/api/customers/e", """{"outstandingAmount":9000,"customFields":{"Segment":"B2B"},"averagePaymentDelayDays":120}""");
        await client.PutJson("/api/customers/f", """{"outstandingAmount":9000,"customFields":{"Segment":"b2b"}}""");
        Assert.True((await (await client.GetAsync("/api/customers/e")).Body())["excluded"]!.GetValue<bool>());
        return client;
    }

    [Fact]
    public async Task A_saved_threshold_rule_is_simulated_with_every_figure_known_and_nothing_written()
    {
        var client = await TenantAsync();
        var ruleId = (await (await client.PostJson("/api/rules", BigB2B)).Body())["id"].Text();
        var before = await DatabaseState.FingerprintAsync(api.Database.ConnectionString);

        var response = await client.PostJson("/api/rules/simulate", $$"""{"ruleId":"{{ruleId}}"}""");

        var body = await response.Body();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((6L, 1L, 3L, 2L, 1L), (Long(body, "total"), Long(body, "excluded"), Long(body, "matchingConditions"), Long(body, "beyondThreshold"), Long(body, "wouldChange")));
        var sample = Assert.Single(body["sample"]!.AsArray())!;
        Assert.Equal("a", sample["id"].Text());
        Assert.Equal("""{"workflow":null,"paymentMethods":[]}""", sample["before"]!.ToJsonString());
        Assert.Equal("""{"workflow":"collections","paymentMethods":["card"]}""", sample["after"]!.ToJsonString());
        Assert.Equal(before, await DatabaseState.FingerprintAsync(api.Database.ConnectionString));
        Assert.Null((await (await client.GetAsync("/api/customers/a")).Body())["workflow"]);
    }

    [Fact]
    public async Task A_draft_created_or_updated_rule_has_no_threshold_figure()
    {
        var client = await TenantAsync();

        var body = await (await client.PostJson("/api/rules/simulate", """{"rule":{"name":"vip","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],"action":{"type":"assignWorkflow","workflowId":"vip"}}}""")).Body();

        Assert.Equal((6L, 1L, 3L, 3L), (Long(body, "total"), Long(body, "excluded"), Long(body, "matchingConditions"), Long(body, "wouldChange")));
        Assert.True(body.AsObject().ContainsKey("beyondThreshold"));
        Assert.Null(body["beyondThreshold"]);
        Assert.Equal(["a", "b", "c"], body["sample"]!.AsArray().Select(s => s!["id"].Text()));
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_an_unknown_rule_is_404()
    {
        var client = await TenantAsync();

        await (await client.PostJson("/api/rules/simulate", """{"rule":{"name":"x","trigger":{"type":"customerCreated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":""}],"action":{"type":"assignWorkflow","workflowId":"vip"}}}""")).AssertInvalid("rule.conditions[0].value");
        await (await client.PostJson("/api/rules/simulate", "{}")).AssertInvalid("");
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostJson("/api/rules/simulate", """{"ruleId":"r-nope"}""")).StatusCode);
    }

    [Fact]
    public async Task Dry_runs_of_bulk_actions_and_all_active_rules_count_and_change_nothing()
    {
        var client = await TenantAsync();
        var before = await DatabaseState.FingerprintAsync(api.Database.ConnectionString);

        var collections = await client.PostJson("/api/backfills", """{"kind":"bulkAction","dryRun":true,"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],"action":{"type":"assignWorkflow","workflowId":"collections"}}""");
        var users = await (await client.PostJson("/api/backfills", """{"kind":"bulkAction","dryRun":true,"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2C"}],"action":{"type":"setUsers","add":["ann@acme.test"]}}""")).Body();
        var all = await (await client.PostJson("/api/backfills", """{"kind":"allActiveRules","dryRun":true}""")).Body();

        Assert.Equal(HttpStatusCode.OK, collections.StatusCode);
        var body = await collections.Body();
        Assert.Equal((3L, 2L), (Long(body, "matched"), Long(body, "wouldChange")));
        Assert.Equal(["a", "c"], body["sample"]!.AsArray().Select(s => s!["id"].Text()));
        Assert.Equal((1L, 1L), (Long(users, "matched"), Long(users, "wouldChange")));
        Assert.Equal("""{"assignedUsers":["ann@acme.test"]}""", users["sample"]![0]!["after"]!.ToJsonString());
        Assert.Equal((1L, 0L), (Long(all, "matched"), Long(all, "wouldChange")));
        Assert.Equal(before, await DatabaseState.FingerprintAsync(api.Database.ConnectionString));
    }

    private static long Long(JsonNode node, string name) => node[name]!.GetValue<long>();
}
