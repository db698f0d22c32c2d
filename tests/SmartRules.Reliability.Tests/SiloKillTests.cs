using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using SmartRules.Domain.Tenants;
using SmartRules.Server.Hosting;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// Three silo processes on loopback against PostgreSQL; one is killed with SIGKILL while a client streams updates (and
/// retries them elsewhere, with their sequences) or while a backfill runs. Nothing acknowledged may be lost, no update
/// may apply twice, no rule may fire or notify twice, and every customer must end as a sequential replay of its
/// acknowledged updates through SmartRules.Domain says.
/// </summary>
public sealed class SiloKillTests(Xunit.Abstractions.ITestOutputHelper output) : ClusterScenario
{
    protected override IReadOnlyDictionary<string, string> SiloSettings => new Dictionary<string, string> { ["SmartRules__Backfills__PageSize"] = "200" };

    [Fact]
    public async Task Killing_the_coordinators_silo_during_a_backfill_still_applies_each_match_exactly_once()
    {
        var count = ScenarioSettings.Int("SMARTRULES_KILL_BACKFILL_CUSTOMERS", 100_000);
        using var http = await Cluster.TenantAsync("bf");
        var urls = Cluster.Urls;
        (await http.PutAsJsonAsync(urls[0] + "/api/workflows/collections", new { name = "Collections" })).EnsureSuccessStatusCode();
        await using var connections = Cluster.SampleConnections();
        var load = Stopwatch.StartNew();
        var retried = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, (count + 999) / 1000), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, cancel) =>
        {
            var lines = string.Concat(Enumerable.Range(chunk * 1000, Math.Min(1000, count - (chunk * 1000))).Select(i => $$"""{"id":"c{{i:000000}}","outstandingAmount":{{i % 10_000}}}""" + "\n"));
            // A client of the API: a 503 asks it to send the request again after Retry-After (the lines carry absolute
            // values, so sending them again changes nothing that was applied); the reasons are printed below.
            for (var attempt = 1; ; attempt++)
            {
                using var response = await http.PostAsync(urls[(chunk + attempt - 1) % urls.Count] + "/api/customer-updates", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"), cancel);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 10)
                {
                    Interlocked.Increment(ref retried);
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancel);
                    continue;
                }

                response.EnsureSuccessStatusCode();
                Assert.Equal(Math.Min(1000, count - (chunk * 1000)), (await response.Content.ReadFromJsonAsync<JsonObject>(cancel))!["accepted"]!.GetValue<int>());
                break;
            }
        });
        var loaded = load.Elapsed;
        if (retried > 0) output.WriteLine($"{retried} request(s) of the load answered 503 and were sent again; the silos' reasons: {string.Join(" | ", Cluster.UnavailableReasons())}");

        var rule = (await (await http.PostAsync(urls[0] + "/api/rules", new StringContent("""
            {"name":"big","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"}}
            """, Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var backfill = (await (await http.PostAsync($"{urls[0]}/api/rules/{rule}/activate", new StringContent("""{"applyToExisting":true}""", Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonObject>())!["backfillId"]!.GetValue<string>();

        // Find the silo the coordinator runs on (GET /admin/stats lists the backfills each silo coordinates) and kill it
        // a third of the way through.
        var clock = Stopwatch.StartNew();
        var coordinator = -1;
        JsonObject? progress = null;
        while (coordinator < 0 || (progress = await ProgressAsync(http, backfill))?["total"]?.GetValue<long>() is not > 0 || progress["processed"]!.GetValue<long>() < progress["total"]!.GetValue<long>() / 3)
        {
            for (var silo = 0; silo < urls.Count && coordinator < 0; silo++)
            {
                if ((await Cluster.StatsAsync(silo))?["backfills"]?.AsArray().Any(b => b!.GetValue<string>() == $"bf/{backfill}") == true) coordinator = silo;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail($"the backfill did not start (coordinator on silo {coordinator}): {progress}");
            await Task.Delay(100);
        }

        Cluster.Kill(coordinator);
        var killedAt = progress!["processed"]!.GetValue<long>();
        var killedAfter = clock.Elapsed;
        while ((progress = await ProgressAsync(http, backfill))?["status"]?.GetValue<string>() is null or "running")
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5)) Assert.Fail("the backfill did not finish: " + progress);
            await Task.Delay(250);
        }

        await connections.DisposeAsync();
        output.WriteLine($"most connections held at once by each silo: {string.Join(", ", connections.Peaks)} (a silo's pools allow {SmartRulesDatabase.ConnectionsPerSilo})");
        output.WriteLine($"{count:N0} customers loaded in {loaded.TotalSeconds:0.0} s; backfill {backfill}: SIGKILL of its coordinator's silo ({coordinator + 1}) after {killedAfter.TotalSeconds:0.0} s at {killedAt:N0} processed; {progress["status"]} after {clock.Elapsed.TotalSeconds:0.0} s: {progress.ToJsonString()}");
        Assert.All(connections.Peaks, peak => Assert.InRange(peak, 0, SmartRulesDatabase.ConnectionsPerSilo));
        var expected = Enumerable.Range(0, count).Count(i => i % 10_000 > 5000);
        Assert.Equal("completed", progress["status"]!.GetValue<string>());
        Assert.Equal(expected, progress["applied"]!.GetValue<long>());
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var check = new NpgsqlCommand("""
            select (select count(*) from customers where tenant_id = 'bf' and workflow = 'collections'),
                   (select count(*) from customer_audit where tenant_id = 'bf' and rule_id = @rule),
                   (select count(distinct customer_id) from customer_audit where tenant_id = 'bf' and rule_id = @rule)
            """, connection);
        check.Parameters.AddWithValue("rule", rule);
        await using var row = await check.ExecuteReaderAsync();
        await row.ReadAsync();
        Assert.Equal(expected, row.GetInt64(0));
        Assert.Equal(expected, row.GetInt64(1)); // one firing per matching customer …
        Assert.Equal(expected, row.GetInt64(2)); // … on as many distinct customers: none twice
    }

    private async Task<JsonObject?> ProgressAsync(HttpClient http, string backfill)
    {
        foreach (var url in Cluster.LiveUrls)
        {
            try
            {
                return await http.GetFromJsonAsync<JsonObject>($"{url}/api/backfills/{backfill}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
        }

        return null;
    }

    [Fact]
    public async Task Killing_a_silo_mid_stream_loses_nothing_applies_nothing_twice_and_ends_as_a_replay_says()
    {
        var rate = ScenarioSettings.Int("SMARTRULES_KILL_RATE", 5_000);
        var customers = ScenarioSettings.Int("SMARTRULES_KILL_CUSTOMERS", 4_000);
        await using var webhooks = await WebhookReceiver.StartAsync();
        using var http = await Cluster.TenantAsync("stream");
        var model = await StreamWorkload.SetUpAsync(http, webhooks.Url);
        var load = new StreamLoad(Cluster, http, customers, keepLog: true) { Rate = rate };
        load.Start();

        // Every customer exists (activation and first write behind us), then a steady stretch, then the kill.
        while (load.CustomersSeen < customers && load.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        var (steadyFrom, sentBeforeSteady) = (load.Elapsed, load.Sent);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var steadyRate = (load.Sent - sentBeforeSteady) / (load.Elapsed - steadyFrom).TotalSeconds;
        Cluster.Kill(2);
        var killedAt = load.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(ScenarioSettings.Int("SMARTRULES_KILL_SECONDS_AFTER", 12)));
        await load.StopAsync();
        var elapsed = load.Elapsed;
        var (acknowledged, rejected, sent) = (load.Acknowledged, load.Rejected, load.Sent);

        var verdict = await StreamVerdict.CheckAsync(Database.ConnectionString, "stream", model, load, webhooks);
        var sorted = load.TakeLatencies().Order().ToArray();
        output.WriteLine($"""
            {sent:N0} updates acknowledged in {elapsed.TotalSeconds:0.0} s ({sent / elapsed.TotalSeconds:N0}/s, target {rate:N0}/s) across {acknowledged.Count:N0} customers ({steadyRate:N0}/s in the 4 s before the kill); SIGKILL of silo 3 at {killedAt.TotalSeconds:0.0} s
            request latency (50 lines) p50 {sorted[sorted.Length / 2]:0.0} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:0.0} ms; {load.FailedAttempts} requests failed around the kill ({string.Join(", ", load.Failures.Select(f => $"{f.Value} × {f.Key}"))}), {load.RetriedLines:N0} lines retried
            {verdict.Summary}, {rejected.Count} updates refused as excluded
            """);
        verdict.AssertHolds();
        Assert.True(load.FailedAttempts > 0, "the kill made no request fail: it tested nothing");
    }
}
