using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using SmartRules.Domain.Tenants;

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
        var count = Setting("SMARTRULES_KILL_BACKFILL_CUSTOMERS", 100_000);
        using var http = await Cluster.TenantAsync("bf");
        var urls = Cluster.Urls;
        (await http.PutAsJsonAsync(urls[0] + "/api/workflows/collections", new { name = "Collections" })).EnsureSuccessStatusCode();
        var load = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, (count + 999) / 1000), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, cancel) =>
        {
            var lines = string.Concat(Enumerable.Range(chunk * 1000, Math.Min(1000, count - (chunk * 1000))).Select(i => $$"""{"id":"c{{i:000000}}","outstandingAmount":{{i % 10_000}}}""" + "\n"));
            using var response = await http.PostAsync(urls[chunk % urls.Count] + "/api/customer-updates", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"), cancel);
            response.EnsureSuccessStatusCode();
            Assert.Equal(Math.Min(1000, count - (chunk * 1000)), (await response.Content.ReadFromJsonAsync<JsonObject>(cancel))!["accepted"]!.GetValue<int>());
        });
        var loaded = load.Elapsed;

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

        output.WriteLine($"{count:N0} customers loaded in {loaded.TotalSeconds:0.0} s; backfill {backfill}: SIGKILL of its coordinator's silo ({coordinator + 1}) after {killedAfter.TotalSeconds:0.0} s at {killedAt:N0} processed; {progress["status"]} after {clock.Elapsed.TotalSeconds:0.0} s: {progress.ToJsonString()}");
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
        var rate = Setting("SMARTRULES_KILL_RATE", 5_000);
        var customers = Setting("SMARTRULES_KILL_CUSTOMERS", 4_000);
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
        await Task.Delay(TimeSpan.FromSeconds(Setting("SMARTRULES_KILL_SECONDS_AFTER", 12)));
        await load.StopAsync();
        var elapsed = load.Elapsed;
        var (acknowledged, rejected, sent) = (load.Acknowledged, load.Rejected, load.Sent);

        // Notifications go out after the commit; give the dispatchers time to drain the outbox.
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        var drain = Stopwatch.StartNew();
        while ((long)(await new NpgsqlCommand("select count(*) from notification_outbox where tenant_id = 'stream' and status <> 'sent'", connection).ExecuteScalarAsync())! > 0)
        {
            Assert.True(drain.Elapsed < TimeSpan.FromSeconds(60), "the outbox did not drain within 60 s");
            await Task.Delay(250);
        }

        var rows = new Dictionary<string, (string State, long? Sequence)>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("""
            select customer_id, name, outstanding_amount, rating, average_payment_delay_days, custom_fields::text, assigned_users::text,
                   workflow, payment_methods::text, excluded, last_sequence
            from customers where tenant_id = 'stream'
            """, connection))
        await using (var row = await read.ExecuteReaderAsync())
        {
            while (await row.ReadAsync())
            {
                var fields = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString(5))!;
                var users = System.Text.Json.JsonSerializer.Deserialize<string[]>(row.GetString(6))!;
                var methods = System.Text.Json.JsonSerializer.Deserialize<string[]>(row.GetString(8))!;
                rows[row.GetString(0)] = (ReplayModel.Canonical(
                    row.IsDBNull(1) ? null : row.GetString(1), row.GetDecimal(2), row.IsDBNull(3) ? null : row.GetString(3),
                    row.IsDBNull(4) ? null : row.GetDecimal(4), fields, users, row.IsDBNull(7) ? null : row.GetString(7), methods, row.GetBoolean(9)),
                    row.IsDBNull(10) ? null : row.GetInt64(10));
            }
        }

        var audit = await CountsAsync(connection, "select customer_id, kind, coalesce(rule_id, ''), count(*) from customer_audit where tenant_id = 'stream' group by 1, 2, 3");
        var outbox = await CountsAsync(connection, "select customer_id, channel, '', count(*) from notification_outbox where tenant_id = 'stream' group by 1, 2");

        var mismatches = new List<string>();
        long firings = 0, notifications = 0, excluded = 0;
        foreach (var (customer, updates) in acknowledged)
        {
            var replay = model.Run(customer, updates);
            if (!rows.TryGetValue(customer, out var stored))
            {
                mismatches.Add($"{customer}: acknowledged but not stored");
                continue;
            }

            var expected = ReplayModel.Canonical(replay.Customer!);
            if (stored.State != expected) mismatches.Add($"{customer}: stored {stored.State}\n    replay {expected}");
            if (stored.Sequence != replay.LastSequence) mismatches.Add($"{customer}: stored sequence {stored.Sequence}, replay {replay.LastSequence}");
            foreach (var ((kind, rule), count) in replay.Audit)
            {
                if (audit.GetValueOrDefault((customer, kind, rule ?? "")) != count) mismatches.Add($"{customer}: {audit.GetValueOrDefault((customer, kind, rule ?? ""))} audit entries {kind} {rule}, replay {count}");
            }

            if (audit.Where(a => a.Key.Customer == customer).Sum(a => a.Value) != replay.Audit.Values.Sum()) mismatches.Add($"{customer}: audit entries the replay does not have");
            foreach (var (channel, count) in replay.Notifications)
            {
                if (outbox.GetValueOrDefault((customer, channel, "")) != count) mismatches.Add($"{customer}: {outbox.GetValueOrDefault((customer, channel, ""))} {channel} notifications, replay {count}");
            }

            if (outbox.Where(o => o.Key.Customer == customer).Sum(o => o.Value) != replay.Notifications.Values.Sum()) mismatches.Add($"{customer}: notifications the replay does not have");
            var refusedByCluster = rejected.Keys.Where(k => k.Item1 == customer).Select(k => k.Item2).Order().ToList();
            if (!refusedByCluster.SequenceEqual(replay.Refused)) mismatches.Add($"{customer}: cluster refused [{string.Join(",", refusedByCluster)}], replay [{string.Join(",", replay.Refused)}]");
            firings += replay.Audit.Where(a => a.Key.Kind == "ruleFired").Sum(a => a.Value);
            notifications += replay.Notifications.Values.Sum();
            if (replay.Customer!.Excluded) excluded++;
        }

        // Webhooks: each notification reaches the receiver; a repeat carries the same Idempotency-Key.
        var deliveries = webhooks.Received.Where(r => r.Accepted).GroupBy(r => r.IdempotencyKey).ToList();
        var webhookRows = outbox.Where(o => o.Key.Kind == "webhook").Sum(o => o.Value);
        var repeats = deliveries.Sum(d => d.Count() - 1);
        var sorted = load.TakeLatencies().Order().ToArray();
        output.WriteLine($"""
            {sent:N0} updates acknowledged in {elapsed.TotalSeconds:0.0} s ({sent / elapsed.TotalSeconds:N0}/s, target {rate:N0}/s) across {acknowledged.Count:N0} customers ({steadyRate:N0}/s in the 4 s before the kill); SIGKILL of silo 3 at {killedAt.TotalSeconds:0.0} s
            request latency (50 lines) p50 {sorted[sorted.Length / 2]:0.0} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:0.0} ms; {load.FailedAttempts} requests failed around the kill ({string.Join(", ", load.Failures.Select(f => $"{f.Value} × {f.Key}"))}), {load.RetriedLines:N0} lines retried
            replay: {firings:N0} rule firings, {notifications:N0} notifications ({webhookRows:N0} webhooks: {deliveries.Count:N0} delivered, {repeats} repeated deliveries), {excluded} customers excluded, {rejected.Count} updates refused as excluded
            mismatches: {mismatches.Count}
            """);
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
        Assert.Equal(webhookRows, deliveries.Count);
        Assert.True(load.FailedAttempts > 0, "the kill made no request fail: it tested nothing");
        Assert.True(firings > 1000 && excluded > 0 && webhookRows > 0, "the workload did not exercise the rules");
    }

    private static async Task<Dictionary<(string Customer, string Kind, string Rule), int>> CountsAsync(NpgsqlConnection connection, string sql)
    {
        var counts = new Dictionary<(string, string, string), int>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var row = await command.ExecuteReaderAsync();
        while (await row.ReadAsync()) counts[(row.GetString(0), row.GetString(1), row.GetString(2))] = (int)row.GetInt64(3);
        return counts;
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
