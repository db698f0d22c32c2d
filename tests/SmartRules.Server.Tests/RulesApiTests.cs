using System.Net;

namespace SmartRules.Server.Tests;

public sealed class RulesApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string BigBalances = """
        {"name":"Big balances","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},
         "conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],
         "action":{"type":"assignWorkflow","workflowId":"collections"}}
        """;

    [Fact]
    public async Task A_rule_is_created_read_edited_deactivated_and_deleted()
    {
        var (_, client) = await api.TenantAsync();

        var created = await client.PostJson("/api/rules", BigBalances);
        var id = (await created.Body())["id"].Text();
        var read = await (await client.GetAsync($"/api/rules/{id}")).Body();
        var edited = await (await client.PutJson($"/api/rules/{id}", BigBalances.Replace("collections", "legal", StringComparison.Ordinal))).Body();
        var activated = await (await client.PostAsync($"/api/rules/{id}/activate", null)).Body();
        var deactivated = await (await client.PostAsync($"/api/rules/{id}/deactivate", null)).Body();
        var deleted = await client.DeleteAsync($"/api/rules/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("inactive", (await created.Body())["status"].Text());
        Assert.Equal(1, (await created.Body())["version"]!.GetValue<int>());
        Assert.Equal("B2B", read["conditions"]![0]!["value"].Text());
        Assert.Equal(5000, read["trigger"]!["value"]!.GetValue<int>());
        Assert.Equal(2, edited["version"]!.GetValue<int>());
        Assert.Equal("legal", edited["action"]!["workflowId"].Text());
        Assert.Equal("active", activated["status"].Text());
        Assert.Equal("inactive", deactivated["status"].Text());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutJson($"/api/rules/{id}", BigBalances)).StatusCode);
    }

    [Fact]
    public async Task An_edit_takes_effect_at_once_for_later_changes()
    {
        var (_, client) = await api.TenantAsync();
        var id = (await (await client.PostJson("/api/rules", BigBalances.Replace("\"action\"", "\"active\":true,\"action\"", StringComparison.Ordinal))).Body())["id"].Text();
        await client.PutJson($"/api/rules/{id}", BigBalances.Replace("collections", "legal", StringComparison.Ordinal));

        var customer = await (await client.PutJson("/api/customers/e1", """{"outstandingAmount":9000,"customFields":{"Segment":"B2B"}}""")).Body();

        Assert.Equal("legal", customer["workflow"].Text());
        Assert.Equal(2, customer["firedRules"]![0]!["ruleVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rules_are_listed_in_rule_set_order_and_reordered_by_a_permutation_only()
    {
        var (_, client) = await api.TenantAsync();
        var a = (await (await client.PostJson("/api/rules", BigBalances)).Body())["id"].Text();
        var b = (await (await client.PostJson("/api/rules", BigBalances.Replace("Big balances", "Second", StringComparison.Ordinal))).Body())["id"].Text();

        var reordered = await client.PutJson("/api/rule-order", $"""["{b}","{a}"]""");
        var listed = (await (await client.GetAsync("/api/rules")).Body()).AsArray().Select(r => r!["id"].Text());

        Assert.Equal(HttpStatusCode.OK, reordered.StatusCode);
        Assert.Equal([b, a], listed);
        await (await client.PutJson("/api/rule-order", $"""["{a}"]""")).AssertInvalid("");
        await (await client.PutJson("/api/rule-order", $"""["{a}","{a}"]""")).AssertInvalid("");
        await (await client.PutJson("/api/rule-order", $"""["{a}","nope"]""")).AssertInvalid("");
    }

    public static TheoryData<string, string> InvalidRules() => new()
    {
        { """{"name":"x","trigger":{"type":"customerCreated"},"action":{"type":"exclude"},"priority":1}""", "priority" },
        { """{"name":"x","trigger":{"type":"customerCreated","when":"now"},"action":{"type":"exclude"}}""", "trigger.when" },
        { """{"name":"x","trigger":{"type":"balance"},"action":{"type":"exclude"}}""", "trigger.type" },
        { """{"name":"x","trigger":{"type":"ratingThreshold","direction":"exceeds","value":5},"action":{"type":"exclude"}}""", "trigger.value" },
        { """{"name":"x","trigger":{"type":"ratingThreshold","direction":"exceeds","value":"A"},"action":{"type":"exclude"}}""", "trigger.value" },
        { """{"name":"x","trigger":{"type":"customerCreated"},"conditions":[{"field":"name","operator":"min","value":1}],"action":{"type":"exclude"}}""", "conditions[0].operator" },
        { """{"name":"x","trigger":{"type":"customerCreated"},"conditions":[{"field":"rating","operator":"isOneOf","value":["A","F"]}],"action":{"type":"exclude"}}""", "conditions[0].value[1]" },
        { """{"name":"x","trigger":{"type":"customerCreated"},"action":{"type":"assignWorkflow","workflowId":"nope"}}""", "action.workflowId" },
        { """{"name":"x","trigger":{"type":"customerCreated"},"action":{"type":"assignUsers","users":["zed@nowhere.test"]}}""", "action.users[0]" },
        { """{"name":"x","trigger":{"type":"customerCreated"}}""", "action" },
        { """{"name":"x","trigger":{"type":"customerCreated"},"action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"sms","body":"hi"}}""", "action.channel" },
        { """{"name":"x","trigger":{"type":"customerCreated"},"action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"email","body":"{% if %}"}}""", "action.body" },
        { """{"name":"x","trigger":"customerCreated","action":{"type":"exclude"}}""", "trigger" },
        { """{"name":"x",""", "" },
        { """{"name":"x","trigger":{"type":"customerCreated"},"conditions":[{"field":"name","operator":"contains","value":"\ud800"}],"action":{"type":"exclude"}}""", "conditions[0].value" },
        { """{"name":"x","trigger":{"type":"customerCreated"},"action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"inApp","body":"a\u0000b"}}""", "action.body" },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public async Task Invalid_rules_answer_400_naming_the_field_and_store_nothing(string body, string field)
    {
        var (_, client) = await api.TenantAsync();

        await (await client.PostJson("/api/rules", body)).AssertInvalid(field);

        Assert.Empty((await (await client.GetAsync("/api/rules")).Body()).AsArray());
    }

    [Fact]
    public async Task Notifications_are_listed_per_customer_with_their_rendered_body()
    {
        var (_, client) = await api.TenantAsync();
        await client.PostJson("/api/rules", """
            {"name":"alert","active":true,"trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},
             "action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"inApp","subject":"Alert","body":"{{ customer.name }} owes {{ customer.outstandingAmount }}"}}
            """);
        await client.PutJson("/api/customers/n1", """{"name":"Acme","outstandingAmount":7000}""");
        await client.PutJson("/api/customers/n2", """{"name":"Other","outstandingAmount":7000}""");

        var listed = (await (await client.GetAsync("/api/notifications?customerId=n1")).Body()).AsArray();

        var only = Assert.Single(listed);
        Assert.Equal("Acme owes 7000", only!["body"].Text());
        Assert.Equal("inApp", only["channel"].Text());
        Assert.Equal("ann@acme.test", only["recipient"].Text());
        Assert.Equal(2, (await (await client.GetAsync("/api/notifications")).Body()).AsArray().Count);
    }

    [Fact]
    public async Task Settings_are_validated_and_read_back_without_the_secret()
    {
        var (_, client) = await api.TenantAsync();

        await (await client.PutJson("/api/settings", """{"ratingSource":"guess"}""")).AssertInvalid("ratingSource");
        await (await client.PutJson("/api/settings", """{"webhookUrl":"ftp://x"}""")).AssertInvalid("webhookUrl");
        var saved = await client.PutJson("/api/settings", """{"ratingSource":"derivedFromDelay","webhookUrl":"https://hooks.example/x","webhookSecret":"s"}""");
        var read = await (await client.GetAsync("/api/settings")).Body();
        var derived = await (await client.PutJson("/api/customers/d1", """{"averagePaymentDelayDays":75}""")).Body();

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("derivedFromDelay", read["ratingSource"].Text());
        Assert.True(read["webhookSecretSet"]!.GetValue<bool>());
        Assert.Null(read["webhookSecret"]);
        Assert.Equal("C", derived["rating"].Text());
        await (await client.PutJson("/api/customers/d2", """{"rating":"A"}""")).AssertInvalid("rating");
    }
}
