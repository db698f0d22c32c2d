using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace SmartRules.Server.Tests.Shards;

/// <summary>
/// Customer data on several PostgreSQL servers by tenant (API.md, "Running a node"): every API path works for a tenant
/// on each shard and its data lands on that shard only; a new tenant goes where asked, or to the shard with the fewest
/// customers; a shard that stops takes down only its own tenants (503 + Retry-After, /health Degraded) and loses
/// nothing acknowledged.
/// </summary>
public sealed class CustomerShardsTests(ShardedServer server) : IClassFixture<ShardedServer>
{
    private const string EverythingOfTenant = """
        select (select count(*) from customers where tenant_id = @t) + (select count(*) from customer_changes where tenant_id = @t)
             + (select count(*) from notification_outbox where tenant_id = @t)
        """;

    private ApiFixture Api => server.Api;

    [Theory]
    [InlineData("SmartRules")]
    [InlineData("Shard1")]
    [InlineData("Shard2")]
    public async Task Every_api_path_works_for_a_tenant_on_the_shard_and_its_data_lands_there_only(string shard)
    {
        var (tenant, client) = await Api.TenantAsync(shard);
        Assert.Equal(HttpStatusCode.OK, (await client.PutJson("/api/settings", $$"""{"webhookUrl":"{{server.Webhooks.Url}}","webhookSecret":"s"}""")).StatusCode);
        var alert = await client.PostJson("/api/rules", """
            {"name":"alert","active":true,"trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},
             "action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"webhook","body":"{{ customer.id }}"}}
            """);
        Assert.Equal(HttpStatusCode.Created, alert.StatusCode);

        // Customers: PUT, GET, ingestion.
        Assert.Equal(HttpStatusCode.Created, (await client.PutJson("/api/customers/c1", """{"name":"One","outstandingAmount":9000,"sequence":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutJson("/api/customers/c2", """{"name":"Two","outstandingAmount":100}""")).StatusCode);
        var ingested = await (await client.PostAsync("/api/customer-updates", new StringContent(
            "{\"id\":\"c3\",\"outstandingAmount\":7000}\n{\"id\":\"c4\",\"outstandingAmount\":50}\n", Encoding.UTF8, "application/x-ndjson"))).Body();
        Assert.Equal(2, ingested["accepted"]!.GetValue<int>());
        Assert.Equal(9000m, (await (await client.GetAsync("/api/customers/c1")).Body())["outstandingAmount"]!.GetValue<decimal>());

        // Lists, counts, search.
        var listed = await (await client.GetAsync("/api/customers?limit=10")).Body();
        Assert.Equal(["c1", "c2", "c3", "c4"], listed["items"]!.AsArray().Select(c => c!["id"].Text()));
        Assert.Equal(2L, (await (await client.PostJson("/api/customers/count", """{"conditions":[{"field":"outstandingAmount","operator":"min","value":5000}]}""")).Body())["count"]!.GetValue<long>());
        Assert.Single((await (await client.PostJson("/api/customers/search", """{"conditions":[{"field":"name","operator":"contains","value":"Two"}]}""")).Body())["items"]!.AsArray());

        // Rules and a backfill over the tenant's existing customers (its candidates are read on its shard).
        var collect = (await (await client.PostJson("/api/rules", """{"name":"collect","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"}}""")).Body())["id"].Text();
        var started = await client.PostJson($"/api/rules/{collect}/activate", """{"applyToExisting":true}""");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var done = await WaitForBackfillAsync(client, (await started.Body())["backfillId"].Text());
        Assert.Equal("completed", done["status"].Text());
        Assert.Equal(2, done["applied"]!.GetValue<int>());
        Assert.Equal("collections", (await (await client.GetAsync("/api/customers/c3")).Body())["workflow"].Text());

        // Audit and notifications (delivered by this shard's dispatcher loop).
        var audit = (await (await client.GetAsync("/api/customers/c1/audit")).Body()).AsArray();
        Assert.Contains(audit, e => e!["kind"].Text() == "update");
        var clock = Stopwatch.StartNew();
        while ((await (await client.GetAsync("/api/notifications")).Body()).AsArray().Count(n => n!["status"].Text() == "sent") < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the two webhooks were not delivered within 30 s");
            await Task.Delay(100);
        }

        Assert.Equal(2, server.Webhooks.Received.Count(r => r.Body.Contains(tenant, StringComparison.Ordinal)));

        // The data is on the tenant's shard, and nothing of it anywhere else; the cluster database records where it is.
        Assert.Equal(4L, await server.CountAsync(shard, "select count(*) from customers where tenant_id = @t", tenant));
        Assert.Equal(2L, await server.CountAsync(shard, "select count(*) from notification_outbox where tenant_id = @t and status = 'sent'", tenant));
        Assert.True(await server.CountAsync(shard, "select count(*) from customer_changes where tenant_id = @t", tenant) >= 6);
        foreach (var other in ShardedServer.ShardNames.Where(s => s != shard))
        {
            Assert.Equal(0L, await server.CountAsync(other, EverythingOfTenant, tenant));
        }

        Assert.Equal(1L, await server.CountAsync("SmartRules", $"select count(*) from tenant_shards where tenant_id = @t and shard = '{shard}'", tenant));
    }

    [Fact]
    public async Task A_tenant_goes_to_the_shard_with_the_fewest_customers_and_an_unknown_shard_is_refused()
    {
        // Shard1 and the cluster database get one customer more than Shard2, whatever the other tests left there.
        foreach (var shard in new[] { "SmartRules", "Shard1" })
        {
            var (_, client) = await Api.TenantAsync(shard);
            Assert.Equal(HttpStatusCode.Created, (await client.PutJson("/api/customers/x", """{"outstandingAmount":1}""")).StatusCode);
        }

        var counts = new Dictionary<string, long>();
        foreach (var shard in ShardedServer.ShardNames) counts[shard] = await server.CountAsync(shard, "select count(*) from customers where @t = @t", "");
        var fewest = ShardedServer.ShardNames.First(s => counts[s] == counts.Values.Min());

        var (tenant, placed) = await Api.TenantAsync();

        Assert.True(counts.Values.Count(c => c == counts[fewest]) == 1, $"no single shard holds the fewest customers: {string.Join(", ", counts)}");
        Assert.Equal(1L, await server.CountAsync("SmartRules", $"select count(*) from tenant_shards where tenant_id = @t and shard = '{fewest}'", tenant));
        Assert.Equal(HttpStatusCode.Created, (await placed.PutJson("/api/customers/y", """{"outstandingAmount":1}""")).StatusCode);
        Assert.Equal(1L, await server.CountAsync(fewest, "select count(*) from customers where tenant_id = @t", tenant));

        using var admin = Api.Admin();
        var refused = await admin.PostAsJsonAsync("/admin/tenants", new { id = "t-unsharded", name = "No shard", shard = "Shard9" });
        await refused.AssertInvalid("shard");
        Assert.Equal(0L, await server.CountAsync("SmartRules", "select count(*) from tenant_shards where tenant_id = @t", "t-unsharded"));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/admin/tenants", new { id = "t-unsharded", name = "Now placed", shard = "Shard1" })).StatusCode);
    }

    [Fact]
    public async Task A_shard_that_stops_under_load_answers_its_tenants_503_while_the_other_keeps_going_and_loses_nothing_acknowledged()
    {
        var (onShard1, client1) = await Api.TenantAsync("Shard1");
        var (onShard2, client2) = await Api.TenantAsync("Shard2");
        var load1 = new Load(client1, "a");
        var load2 = new Load(client2, "b");
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(load1.RunAsync(stop.Token), load2.RunAsync(stop.Token));
        try
        {
            // The pace before the stop is taken after a second of warming up (first activations, JIT).
            await Task.Delay(TimeSpan.FromSeconds(1));
            var warm = load1.Acknowledged;
            await Task.Delay(TimeSpan.FromSeconds(3));
            var before1 = load1.Acknowledged - warm;
            Assert.True(load2.Acknowledged > 0, "tenant on Shard2 made no progress before the stop");

            await server.Shard2.StopServerAsync();
            var stoppedAt = (load1.Acknowledged, Stopwatch.StartNew());
            using var http = Api.CreateClient();
            var health = await http.GetAsync("/health");
            await Task.Delay(TimeSpan.FromSeconds(5));
            var duringOutage = load1.Acknowledged - stoppedAt.Item1;
            var outageSeconds = stoppedAt.Item2.Elapsed.TotalSeconds;

            // Tenants of the stopped shard: 503 with Retry-After, nothing else; the others: their pace, /health Degraded.
            Assert.True(load2.Unavailable > 0, "no 503 for the stopped shard's tenant");
            Assert.True(load2.UnavailableWithoutRetryAfter == 0, $"{load2.UnavailableWithoutRetryAfter} 503s without Retry-After");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
            // Half the pace at least: the machine running the tests is shared, and the 503s cost some CPU of their own.
            var pace = before1 / 3.0;
            Assert.True(duringOutage / outageSeconds >= pace * 0.5,
                $"tenant on Shard1: {pace:F0} updates/s before, {duringOutage / outageSeconds:F0}/s while Shard2 was down");

            await server.Shard2.StartServerAsync();
            var recovered = load2.Acknowledged;
            var clock = Stopwatch.StartNew();
            while (load2.Acknowledged < recovered + 50)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the tenant on Shard2 did not recover within 30 s of the restart");
                await Task.Delay(100);
            }

            // A pooled connection of the stopped server fails once when next used; a check or two later it is healthy.
            while (await (await http.GetAsync("/health")).Content.ReadAsStringAsync() != "Healthy")
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), "/health not Healthy again within 40 s of the restart");
                await Task.Delay(200);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await running;
            await server.Shard2.StartServerAsync().ContinueWith(_ => { }, TaskScheduler.Default); // already up unless an assertion failed first
        }

        Assert.Equal(0, load1.Unexpected + load2.Unexpected);
        Assert.Equal(0, load1.Unavailable);
        await AssertNothingAcknowledgedLostAsync("Shard1", onShard1, load1);
        await AssertNothingAcknowledgedLostAsync("Shard2", onShard2, load2);
    }

    /// <summary>Every customer holds at least the newest amount acknowledged for it (more when a write answered 503 after committing).</summary>
    private async Task AssertNothingAcknowledgedLostAsync(string shard, string tenant, Load load)
    {
        await using var connection = await server.OpenAsync(shard);
        await using var command = new Npgsql.NpgsqlCommand("select customer_id, outstanding_amount from customers where tenant_id = @t", connection);
        command.Parameters.AddWithValue("t", tenant);
        var stored = new Dictionary<string, decimal>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) stored[reader.GetString(0)] = reader.GetDecimal(1);
        }

        foreach (var (customer, acknowledged) in load.NewestAcknowledged)
        {
            Assert.True(stored.TryGetValue(customer, out var amount), $"{customer} acknowledged {acknowledged} but is not on {shard}");
            Assert.True(amount >= acknowledged && amount <= load.NewestSent[customer], $"{customer}: acknowledged {acknowledged}, sent up to {load.NewestSent[customer]}, stored {amount}");
        }
    }

    private static async Task<JsonNode> WaitForBackfillAsync(HttpClient client, string backfillId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var progress = await (await client.GetAsync($"/api/backfills/{backfillId}")).Body();
            if (progress["status"].Text() != "running") return progress;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "backfill still running after 30 s");
            await Task.Delay(50);
        }
    }
}
