using System.Net;
using System.Text.Json.Nodes;

namespace SmartRules.Server.Tests;

/// <summary>POST /api/explain: the article's examples through HTTP, writing nothing, and the same as a real update.</summary>
public sealed class ExplainApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string BigBalances = """{"name":"Big balances","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"},"active":true}""";

    [Fact]
    public async Task A_customer_at_7000_who_pays_1000_is_explained_as_not_crossing_exceeds_5000_and_nothing_is_written()
    {
        var (_, client) = await api.TenantAsync();
        var ruleId = (await (await client.PostJson("/api/rules", BigBalances)).Body())["id"].Text();
        await client.PutJson("/api/customers/c1", """{"outstandingAmount":7000,"customFields":{"Segment":"B2B"},"sequence":5}""");
        var before = await DatabaseStateAsync();

        var response = await client.PostJson("/api/explain", """{"customerId":"c1","update":{"outstandingAmount":6000,"sequence":6}}""");

        var body = await response.Body();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["outstandingAmount"], body["changed"]!.AsArray().Select(n => n.Text()));
        Assert.Equal(6000m, body["customer"]!["outstandingAmount"]!.GetValue<decimal>());
        var rule = Assert.Single(body["rules"]!.AsArray())!;
        Assert.Equal((ruleId, "notTriggered", 1), (rule["ruleId"].Text(), rule["outcome"].Text(), rule["round"]!.GetValue<int>()));
        Assert.False(rule["trigger"]!["fired"]!.GetValue<bool>());
        Assert.Equal(7000m, rule["trigger"]!["before"]!.GetValue<decimal>());
        Assert.Equal(6000m, rule["trigger"]!["after"]!.GetValue<decimal>());
        Assert.Equal("was already above 5000 before the change (7000 → 6000 does not exceed 5000)", rule["trigger"]!["reason"].Text());
        Assert.Null(rule["effect"]);
        Assert.Equal(before, await DatabaseStateAsync());
        var stored = await (await client.GetAsync("/api/customers/c1")).Body();
        Assert.Equal(7000m, stored["outstandingAmount"]!.GetValue<decimal>());
        // The sequence was not consumed: the real update with it still applies.
        Assert.Null((await (await client.PutJson("/api/customers/c1", """{"outstandingAmount":6000,"sequence":6}""")).Body())["stale"]);
    }

    [Fact]
    public async Task A_draft_rule_fails_on_b2b_with_the_letter_case_hint()
    {
        var (_, client) = await api.TenantAsync();
        await client.PostJson("/api/rules", BigBalances);
        await client.PutJson("/api/customers/c1", """{"outstandingAmount":100,"customFields":{"Segment":"b2b"}}""");
        var before = await DatabaseStateAsync();

        var response = await client.PostJson("/api/explain", """
            {"customerId":"c1","update":{"outstandingAmount":6000},"position":0,
             "rule":{"name":"B2B to legal","trigger":{"type":"customerCreatedOrUpdated"},
                     "conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],
                     "action":{"type":"assignWorkflow","workflowId":"legal"}}}
            """);

        var body = await response.Body();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rules = body["rules"]!.AsArray();
        Assert.Equal(["draft", "conditionsFailed"], [rules[0]!["ruleId"].Text(), rules[0]!["outcome"].Text()]);
        var condition = Assert.Single(rules[0]!["conditions"]!.AsArray())!;
        Assert.Equal(("customFields.Segment", "contains", "B2B", "b2b", false, "differs only in letter case"),
            (condition["field"].Text(), condition["operator"].Text(), condition["value"].Text(), condition["actual"].Text(), condition["passed"]!.GetValue<bool>(), condition["hint"].Text()));
        Assert.Equal("fired", rules[1]!["outcome"].Text());
        Assert.Equal(JsonNode.Parse("""{"before":{"workflow":null},"after":{"workflow":"collections"}}""")!.ToJsonString(), rules[1]!["effect"]!.ToJsonString());
        Assert.Equal("collections", body["customer"]!["workflow"].Text());
        Assert.Equal(before, await DatabaseStateAsync());
    }

    [Fact]
    public async Task Replaces_checks_an_edit_in_the_rules_place_before_it_is_saved()
    {
        var (_, client) = await api.TenantAsync();
        var ruleId = (await (await client.PostJson("/api/rules", BigBalances)).Body())["id"].Text();
        await client.PostJson("/api/rules", """{"name":"second","trigger":{"type":"customerCreatedOrUpdated"},"action":{"type":"assignWorkflow","workflowId":"vip"},"active":true}""");

        var response = await client.PostJson("/api/explain", """
            {"customerId":"new-one","update":{"outstandingAmount":2000},"replaces":"RULE",
             "rule":{"name":"Big balances","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":1000},"action":{"type":"assignWorkflow","workflowId":"collections"}}}
            """.Replace("RULE", ruleId, StringComparison.Ordinal));

        var body = await response.Body();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rules = body["rules"]!.AsArray();
        Assert.Equal(["draft", "second"], rules.Select(r => r!["ruleId"].Text() == "draft" ? "draft" : r["name"].Text()));
        Assert.Equal(2, rules[0]!["ruleVersion"]!.GetValue<int>());
        Assert.Equal(["fired", "lostConflict"], rules.Select(r => r!["outcome"].Text()));
        Assert.Contains("lost a conflict", rules[1]!["note"].Text(), StringComparison.Ordinal);
        Assert.Equal("collections", body["customer"]!["workflow"].Text());
        // A customer that does not exist is evaluated as a new one, and still does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/customers/new-one")).StatusCode);
    }

    [Fact]
    public async Task A_bad_draft_is_refused_naming_the_field_and_an_excluded_customer_answers_409()
    {
        var (_, client) = await api.TenantAsync();
        await client.PostJson("/api/rules", """{"name":"out","trigger":{"type":"averagePaymentDelayThreshold","direction":"exceeds","value":90},"action":{"type":"exclude"},"active":true}""");
        await client.PutJson("/api/customers/gone", """{"averagePaymentDelayDays":120}""");

        var badRule = await client.PostJson("/api/explain", """{"customerId":"c1","rule":{"name":"x","trigger":{"type":"customerCreated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":""}],"action":{"type":"assignWorkflow","workflowId":"collections"}}}""");
        await badRule.AssertInvalid("rule.conditions[0].value");
        await (await client.PostJson("/api/explain", """{"customerId":"c1","update":{"rating":"E"}}""")).AssertInvalid("update.rating");
        await (await client.PostJson("/api/explain", """{"customerId":"c1","position":3}""")).AssertInvalid("position");
        await (await client.PostJson("/api/explain", """{"update":{}}""")).AssertInvalid("customerId");
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostJson("/api/explain", """{"customerId":"gone","update":{"outstandingAmount":1}}""")).StatusCode);
    }

    [Fact]
    public async Task Excluded_earlier_in_the_round_leaves_the_later_rules_not_reached()
    {
        var (_, client) = await api.TenantAsync();
        await client.PostJson("/api/rules", """{"name":"out","trigger":{"type":"averagePaymentDelayThreshold","direction":"exceeds","value":90},"action":{"type":"exclude"},"active":true}""");
        await client.PostJson("/api/rules", """{"name":"later","trigger":{"type":"customerCreatedOrUpdated"},"action":{"type":"assignWorkflow","workflowId":"vip"},"active":true}""");

        var body = await (await client.PostJson("/api/explain", """{"customerId":"c9","update":{"averagePaymentDelayDays":120}}""")).Body();

        Assert.Equal(["fired", "notReached"], body["rules"]!.AsArray().Select(r => r!["outcome"].Text()));
        Assert.True(body["customer"]!["excluded"]!.GetValue<bool>());
    }

    [Fact]
    public async Task For_random_updates_explain_gives_the_customer_and_fired_rules_of_the_real_update_that_follows()
    {
        var (_, client) = await api.TenantAsync();
        string[] rules =
        [
            """{"name":"big","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"},"active":true}""",
            """{"name":"small","trigger":{"type":"outstandingAmountThreshold","direction":"fallsBelow","value":1000},"action":{"type":"assignWorkflow","workflowId":"vip"},"active":true}""",
            """{"name":"b2b legal","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],"action":{"type":"assignWorkflow","workflowId":"legal"},"active":true}""",
            """{"name":"pay when collections","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"workflow","operator":"contains","value":"collections"}],"action":{"type":"assignPaymentMethods","methods":["card"]},"active":true}""",
            """{"name":"ann on D","trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"C"},"action":{"type":"assignUsers","users":["ann@acme.test"]},"active":true}""",
            """{"name":"owner","trigger":{"type":"customerCreated"},"action":{"type":"assignUsers","fromCustomFields":["Owner"]},"active":true}""",
            """{"name":"slow out","trigger":{"type":"averagePaymentDelayThreshold","direction":"exceeds","value":150},"action":{"type":"exclude"},"active":true}""",
        ];
        foreach (var rule in rules) Assert.Equal(HttpStatusCode.Created, (await client.PostJson("/api/rules", rule)).StatusCode);

        var random = new Random(16);
        string[] segments = ["B2B", "b2b", "B2C", null!];
        string[] ratings = ["A", "B", "C", "D"];
        string[] owners = ["bob@acme.test", "nobody@acme.test", ""];
        var compared = 0;
        for (var i = 0; i < 60; i++)
        {
            var id = "c" + random.Next(6);
            var update = new JsonObject();
            if (random.Next(3) > 0) update["outstandingAmount"] = random.Next(0, 10) * 1000;
            if (random.Next(3) == 0) update["rating"] = ratings[random.Next(4)];
            if (random.Next(4) == 0) update["averagePaymentDelayDays"] = random.Next(0, 200);
            if (random.Next(3) == 0) update["customFields"] = new JsonObject { ["Segment"] = segments[random.Next(4)], ["Owner"] = owners[random.Next(3)] };
            if (random.Next(5) == 0) update["workflow"] = null;

            var explained = await client.PostJson("/api/explain", new JsonObject { ["customerId"] = id, ["update"] = update.DeepClone() }.ToJsonString());
            var real = await client.PutJson($"/api/customers/{id}", update.ToJsonString());

            if (real.StatusCode == HttpStatusCode.Conflict)
            {
                Assert.Equal(HttpStatusCode.Conflict, explained.StatusCode);
                continue;
            }

            Assert.Equal(HttpStatusCode.OK, explained.StatusCode);
            var explanation = await explained.Body();
            var after = await real.Body();
            var firedByExplain = explanation["rules"]!.AsArray().Where(r => r!["outcome"].Text() == "fired").Select(r => r!["ruleId"].Text()).ToArray();
            var firedForReal = after["firedRules"]!.AsArray().Select(f => f!["ruleId"].Text()).ToArray();
            Assert.Equal(firedForReal, firedByExplain);
            Assert.Equal(firedForReal, explanation["customer"]!["firedRules"]!.AsArray().Select(f => f!["ruleId"].Text()));
            Assert.Equal(after.ToJsonString(), explanation["customer"]!.ToJsonString());
            compared++;
        }

        Assert.True(compared > 30, $"only {compared} updates compared");
    }

    private Task<string> DatabaseStateAsync() => DatabaseState.FingerprintAsync(api.Database.ConnectionString);
}
