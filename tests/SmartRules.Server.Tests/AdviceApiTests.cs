using System.Net;
using System.Text.Json.Nodes;

namespace SmartRules.Server.Tests;

/// <summary>Each advice code raised and cleared through the API, in rule responses and GET /api/rules/{id}/advice.</summary>
public sealed class AdviceApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static async Task<string> CreateAsync(HttpClient client, string rule)
    {
        var response = await client.PostJson("/api/rules", rule);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Body())["id"].Text();
    }

    private static async Task<JsonNode[]> WarningsAsync(HttpClient client, string ruleId) =>
        [.. (await (await client.GetAsync($"/api/rules/{ruleId}")).Body())["warnings"]!.AsArray().Select(w => w!)];

    private static async Task<JsonNode[]> AdviceAsync(HttpClient client, string ruleId)
    {
        var response = await client.GetAsync($"/api/rules/{ruleId}/advice");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Body())["warnings"]!.AsArray().Select(w => w!)];
    }

    private static string[] Codes(IEnumerable<JsonNode> warnings) => [.. warnings.Select(w => w["code"].Text())];

    [Fact]
    public async Task NoReverseRule_is_raised_until_the_reverse_rule_exists()
    {
        var (_, client) = await api.TenantAsync();
        var big = await CreateAsync(client, """{"name":"big","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"},"active":true}""");

        var raised = await WarningsAsync(client, big);
        Assert.Equal(["noReverseRule"], Codes(raised));
        Assert.Contains("fallsBelow", raised[0]["message"].Text(), StringComparison.Ordinal);

        await CreateAsync(client, """{"name":"small","trigger":{"type":"outstandingAmountThreshold","direction":"fallsBelow","value":5000},"action":{"type":"assignWorkflow","workflowId":"vip"},"active":true}""");
        Assert.Empty(await WarningsAsync(client, big));
        var list = await (await client.GetAsync("/api/rules")).Body();
        Assert.All(list.AsArray(), r => Assert.Empty(r!["warnings"]!.AsArray()));
    }

    [Fact]
    public async Task ListInValue_and_neverMatches_go_away_when_the_rule_is_fixed()
    {
        var (_, client) = await api.TenantAsync();
        var created = await (await client.PostJson("/api/rules", """{"name":"odd","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B, B2C"},{"field":"outstandingAmount","operator":"max","value":1000}],"action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"inApp","body":"hi"}}""")).Body();
        var id = created["id"].Text();

        Assert.Equal(["listInValue", "neverMatches"], Codes(created["warnings"]!.AsArray().Select(w => w!)));
        Assert.Contains("\"operator\":\"isAnyOf\",\"value\":[\"B2B\",\"B2C\"]", created["warnings"]![0]!["message"].Text(), StringComparison.Ordinal);

        var edited = await (await client.PutJson($"/api/rules/{id}", """{"name":"odd","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"conditions":[{"field":"customFields.Segment","operator":"isAnyOf","value":["B2B","B2C"]},{"field":"outstandingAmount","operator":"max","value":10000}],"action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"inApp","body":"hi"}}""")).Body();
        Assert.Empty(edited["warnings"]!.AsArray());

        var contradiction = await (await client.PostJson("/api/rules", """{"name":"range","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"outstandingAmount","operator":"min","value":5000},{"field":"outstandingAmount","operator":"max","value":1000}],"action":{"type":"exclude"}}""")).Body();
        Assert.Equal(["neverMatches"], Codes(contradiction["warnings"]!.AsArray().Select(w => w!)));
    }

    [Fact]
    public async Task Shadowed_names_the_earlier_rule_and_clears_when_the_order_changes()
    {
        var (_, client) = await api.TenantAsync();
        var first = await CreateAsync(client, """{"name":"B2B to legal","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],"action":{"type":"assignWorkflow","workflowId":"legal"},"active":true}""");
        var second = await CreateAsync(client, """{"name":"B2B A to vip","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"},{"field":"rating","operator":"isOneOf","value":["A"]}],"action":{"type":"assignWorkflow","workflowId":"vip"},"active":true}""");

        var shadowed = Assert.Single(await WarningsAsync(client, second));
        Assert.Equal(("shadowed", first), (shadowed["code"].Text(), shadowed["relatedRuleId"].Text()));
        Assert.Empty(await WarningsAsync(client, first));

        Assert.Equal(HttpStatusCode.OK, (await client.PutJson("/api/rule-order", $"[\"{second}\",\"{first}\"]")).StatusCode);
        Assert.Empty(await WarningsAsync(client, second));
        Assert.Empty(await WarningsAsync(client, first));
    }

    [Fact]
    public async Task CaseVariants_and_unknownCustomField_are_counted_by_advice_stored_for_rule_responses_and_cleared()
    {
        var (_, client) = await api.TenantAsync();
        await client.PutJson("/api/customers/c1", """{"customFields":{"Segment":"b2b"}}""");
        await client.PutJson("/api/customers/c2", """{"customFields":{"Segment":" B2B"}}""");
        var id = await CreateAsync(client, """{"name":"b2b","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"},{"field":"customFields.Tier","operator":"doesNotContain","value":"Gold"}],"action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"inApp","body":"hi"}}""");
        Assert.Empty(await WarningsAsync(client, id)); // not counted yet

        var advice = await AdviceAsync(client, id);

        Assert.Equal(["unknownCustomField", "caseVariants"], Codes(advice));
        Assert.Contains("'Tier'", advice[0]["message"].Text(), StringComparison.Ordinal);
        Assert.Equal(2, advice[1]["count"]!.GetValue<long>());
        var stored = await WarningsAsync(client, id);
        Assert.Equal(["unknownCustomField", "caseVariants"], Codes(stored));
        Assert.Contains("counted 20", stored[1]["message"].Text(), StringComparison.Ordinal);

        await client.PutJson("/api/customers/c3", """{"customFields":{"Segment":"B2B","Tier":"Silver"}}""");
        // c3 now matches the inactive rule, so apply-to-existing would notify about it: that is the one warning left.
        Assert.Equal(["applyToExisting"], Codes(await AdviceAsync(client, id)));
        Assert.Equal(["applyToExisting"], Codes(await WarningsAsync(client, id)));

        var fields = await (await client.GetAsync("/api/custom-fields")).Body();
        Assert.Equal("""[{"name":"Segment","customers":3},{"name":"Tier","customers":1}]""", fields.ToJsonString());
    }

    [Fact]
    public async Task ApplyToExisting_counts_what_only_apply_to_existing_reaches_and_clears_once_applied()
    {
        var (_, client) = await api.TenantAsync();
        await client.PutJson("/api/customers/rich", """{"outstandingAmount":9000}""");
        await client.PutJson("/api/customers/poor", """{"outstandingAmount":100}""");
        await CreateAsync(client, """{"name":"small","trigger":{"type":"outstandingAmountThreshold","direction":"fallsBelow","value":5000},"action":{"type":"assignWorkflow","workflowId":"vip"},"active":true}""");
        var big = await CreateAsync(client, """{"name":"big","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"}}""");

        var raised = Assert.Single(await AdviceAsync(client, big));
        Assert.Equal(("applyToExisting", 1L), (raised["code"].Text(), raised["count"]!.GetValue<long>()));

        var started = await (await client.PostJson($"/api/rules/{big}/activate", """{"applyToExisting":true}""")).Body();
        var backfill = started["backfillId"].Text();
        for (var i = 0; i < 100 && (await (await client.GetAsync($"/api/backfills/{backfill}")).Body())["status"].Text() == "running"; i++) await Task.Delay(100);
        Assert.Equal("collections", (await (await client.GetAsync("/api/customers/rich")).Body())["workflow"].Text());
        Assert.Empty(await AdviceAsync(client, big));
        Assert.Empty(await WarningsAsync(client, big));
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_it()
    {
        var (_, owner) = await api.TenantAsync();
        var (_, other) = await api.TenantAsync();
        await owner.PutJson("/api/customers/c1", """{"outstandingAmount":9000,"customFields":{"Secret":"x"}}""");
        var id = await CreateAsync(owner, """{"name":"big","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"}}""");

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/rules/{id}/advice")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostJson("/api/rules/simulate", $$"""{"ruleId":"{{id}}"}""")).StatusCode);
        Assert.Equal("[]", (await (await other.GetAsync("/api/custom-fields")).Body()).ToJsonString());
        var explained = await (await other.PostJson("/api/explain", """{"customerId":"c1","update":{"name":"probe"}}""")).Body();
        Assert.Equal(0m, explained["customer"]!["outstandingAmount"]!.GetValue<decimal>()); // a new customer to this tenant
        Assert.Empty(explained["rules"]!.AsArray());
        var simulated = await (await other.PostJson("/api/rules/simulate", """{"rule":{"name":"all","trigger":{"type":"customerCreatedOrUpdated"},"action":{"type":"assignWorkflow","workflowId":"vip"}}}""")).Body();
        Assert.Equal(0, simulated["total"]!.GetValue<long>());
    }
}
