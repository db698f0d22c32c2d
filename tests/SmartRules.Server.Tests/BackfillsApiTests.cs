using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmartRules.Contracts.Backfills;
using SmartRules.Server.Apis;
using SmartRules.Server.Json;

namespace SmartRules.Server.Tests;

public sealed class BackfillsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData(BackfillStatus.Running, "running")]
    [InlineData(BackfillStatus.Completed, "completed")]
    [InlineData(BackfillStatus.Cancelled, "cancelled")]
    [InlineData(BackfillStatus.Failed, "failed")]
    public void A_backfills_status_is_written_with_its_wire_name(BackfillStatus status, string expected)
    {
        var json = JsonSerializer.SerializeToNode(BackfillResponse.From(new BackfillProgress("b-1", status, 10, 5, 2, 1)), ApiJson.Options)!;
        Assert.Equal(expected, json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Activating_with_apply_to_existing_backfills_the_rule_onto_customers_already_beyond_it()
    {
        var (_, client) = await api.TenantAsync();
        await client.PutJson("/api/customers/rich", """{"outstandingAmount":9000}""");
        await client.PutJson("/api/customers/poor", """{"outstandingAmount":100}""");
        var id = (await (await client.PostJson("/api/rules", """{"name":"big","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"}}""")).Body())["id"].Text();

        var started = await client.PostJson($"/api/rules/{id}/activate", """{"applyToExisting":true}""");
        var backfillId = (await started.Body())["backfillId"].Text();
        var done = await WaitAsync(client, backfillId);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("completed", done["status"].Text());
        Assert.Equal(1, done["total"]!.GetValue<int>());
        Assert.Equal(1, done["applied"]!.GetValue<int>());
        Assert.Equal("collections", (await (await client.GetAsync("/api/customers/rich")).Body())["workflow"].Text());
        Assert.Null((await (await client.GetAsync("/api/customers/poor")).Body())["workflow"]);
        Assert.Equal("active", (await (await client.GetAsync($"/api/rules/{id}")).Body())["status"].Text());
    }

    [Fact]
    public async Task Bulk_actions_and_all_active_rules_run_and_report_progress()
    {
        var (_, client) = await api.TenantAsync();
        await client.PutJson("/api/customers/b1", """{"customFields":{"Segment":"B2B"},"assignedUsers":["bob@acme.test"]}""");
        await client.PutJson("/api/customers/b2", """{"customFields":{"Segment":"B2C"}}""");

        var workflow = await client.PostJson("/api/backfills", """{"kind":"bulkAction","conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],"action":{"type":"assignWorkflow","workflowId":"legal"}}""");
        var users = await client.PostJson("/api/backfills", """{"kind":"bulkAction","conditions":[],"action":{"type":"setUsers","add":["ann@acme.test"],"remove":["bob@acme.test"]}}""");
        var all = await client.PostJson("/api/backfills", """{"kind":"allActiveRules"}""");

        Assert.Equal(HttpStatusCode.Accepted, workflow.StatusCode);
        Assert.Equal("completed", (await WaitAsync(client, (await workflow.Body())["backfillId"].Text()))["status"].Text());
        Assert.Equal("completed", (await WaitAsync(client, (await users.Body())["backfillId"].Text()))["status"].Text());
        Assert.Equal("completed", (await WaitAsync(client, (await all.Body())["backfillId"].Text()))["status"].Text());
        var b1 = await (await client.GetAsync("/api/customers/b1")).Body();
        Assert.Equal("legal", b1["workflow"].Text());
        Assert.Equal("""["ann@acme.test"]""", b1["assignedUsers"]!.ToJsonString());
        Assert.Null((await (await client.GetAsync("/api/customers/b2")).Body())["workflow"]);
        var audit = (await (await client.GetAsync("/api/customers/b1/audit")).Body()).AsArray();
        Assert.Contains(audit, e => e!["note"]?.GetValue<string>()?.StartsWith("bulk action", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_finished_backfill_cannot_be_cancelled_and_unknown_ones_are_404()
    {
        var (_, client) = await api.TenantAsync();
        var id = (await (await client.PostJson("/api/backfills", """{"kind":"allActiveRules"}""")).Body())["backfillId"].Text();
        await WaitAsync(client, id);

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/backfills/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/backfills/b-nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/backfills/b-nope/cancel", null)).StatusCode);
        var (_, other) = await api.TenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/backfills/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"kind":"everything"}""", "kind")]
    [InlineData("""{"kind":"bulkAction","conditions":[]}""", "action.type")]
    [InlineData("""{"kind":"bulkAction","action":{"type":"assignWorkflow","workflowId":"nope"}}""", "action.workflowId")]
    [InlineData("""{"kind":"bulkAction","action":{"type":"setUsers","add":["ann@acme.test"],"remove":["ANN@acme.test"]}}""", "action.add[0]")]
    [InlineData("""{"kind":"bulkAction","action":{"type":"setUsers","add":["zed@nowhere.test"]}}""", "action.add[0]")]
    [InlineData("""{"kind":"bulkAction","action":{"type":"setUsers"}}""", "action")]
    [InlineData("""{"kind":"bulkAction","conditions":[{"field":"name","operator":"min","value":1}],"action":{"type":"assignWorkflow","workflowId":"vip"}}""", "conditions[0].operator")]
    [InlineData("""{"kind":"allActiveRules","conditions":[]}""", "conditions")]
    public async Task Invalid_backfills_are_refused_with_the_field(string body, string field)
    {
        var (_, client) = await api.TenantAsync();
        await (await client.PostJson("/api/backfills", body)).AssertInvalid(field);
    }

    private static async Task<JsonNode> WaitAsync(HttpClient client, string backfillId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var progress = await (await client.GetAsync($"/api/backfills/{backfillId}")).Body();
            if (progress["status"].Text() != "running") return progress;
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail("backfill still running after 30 s");
            await Task.Delay(50);
        }
    }
}
