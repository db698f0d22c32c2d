using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// Three silo processes on loopback against PostgreSQL; a client streams updates with sequences and retries them on
/// another silo when one fails; one silo is killed with SIGKILL mid-stream. Nothing acknowledged may be lost, no update
/// may apply twice, and no rule may fire or notify twice.
/// </summary>
public sealed class SiloKillTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Customers = 200;
    private TestDatabase _database = null!;
    private readonly List<Process> _silos = [];
    private readonly List<string> _urls = [];

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SmartRules.sln"))) root = root.Parent!;
        var server = Path.Combine(root.FullName, "src", "SmartRules.Server", "bin", configuration, "net10.0", "SmartRules.Server.dll");
        var cluster = "kill-" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 3; i++)
        {
            var url = $"http://127.0.0.1:{Ports.Free()}";
            var start = new ProcessStartInfo("dotnet", [server]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["ASPNETCORE_URLS"] = url;
            start.Environment["ConnectionStrings__SmartRules"] = _database.ConnectionString;
            start.Environment["SmartRules__AdminKey"] = "kill-test";
            start.Environment["Orleans__ClusterId"] = cluster;
            start.Environment["Orleans__SiloPort"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["Orleans__GatewayPort"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["Orleans__Membership__ProbeTimeout"] = "00:00:01";
            start.Environment["Orleans__Membership__NumMissedProbesLimit"] = "2";
            start.Environment["Orleans__Membership__NumVotesForDeathDeclaration"] = "1";
            start.Environment["Orleans__Messaging__ResponseTimeout"] = "00:00:05";
            start.Environment["SmartRules__Reminders__MinimumReminderPeriod"] = "00:00:01";
            start.Environment["SmartRules__Backfills__ReminderPeriod"] = "00:00:02";
            start.Environment["SmartRules__Backfills__PageSize"] = "200";
            start.Environment["Logging__LogLevel__Default"] = "Error";
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _silos.Add(process);
            _urls.Add(url);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        foreach (var url in _urls)
        {
            while (true)
            {
                try
                {
                    if ((await http.GetAsync(url + "/health")).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException)
                {
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("silos did not start");
                await Task.Delay(250);
            }
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            if (!silo.HasExited) silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
            silo.Dispose();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Killing_a_silo_during_a_backfill_still_applies_each_match_exactly_once()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("SMARTRULES_KILL_BACKFILL_CUSTOMERS"), out var n) ? n : 10_000;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "kill-test");
        var key = (await (await http.PostAsJsonAsync(_urls[0] + "/admin/tenants", new { id = "bf", name = "Backfill" })).Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        (await http.PutAsJsonAsync(_urls[0] + "/api/workflows/collections", new { name = "Collections" })).EnsureSuccessStatusCode();
        for (var start = 0; start < count; start += 1000)
        {
            var lines = string.Concat(Enumerable.Range(start, Math.Min(1000, count - start)).Select(i => $$"""{"id":"c{{i:000000}}","outstandingAmount":{{i % 10_000}}}""" + "\n"));
            (await http.PostAsync(_urls[start / 1000 % 2] + "/api/customer-updates", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
        }

        var rule = (await (await http.PostAsync(_urls[0] + "/api/rules", new StringContent("""
            {"name":"big","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"}}
            """, Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var backfill = (await (await http.PostAsync($"{_urls[0]}/api/rules/{rule}/activate", new StringContent("""{"applyToExisting":true}""", Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonObject>())!["backfillId"]!.GetValue<string>();

        var clock = Stopwatch.StartNew();
        JsonObject? progress = null;
        while ((progress = await ProgressAsync(http, backfill))?["processed"]?.GetValue<long>() is null or 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail("the backfill did not start");
            await Task.Delay(100);
        }

        _silos[2].Kill();
        var killedAt = progress!["processed"]!.GetValue<long>();
        while ((progress = await ProgressAsync(http, backfill))?["status"]?.GetValue<string>() is null or "running")
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(3)) Assert.Fail("the backfill did not finish: " + progress);
            await Task.Delay(250);
        }

        output.WriteLine($"backfill of {count} customers: SIGKILL of a silo at {killedAt} processed; finished {progress["status"]} in {clock.Elapsed.TotalSeconds:0.0} s, {progress}");
        var expected = Enumerable.Range(0, count).Count(i => i % 10_000 > 5000);
        Assert.Equal("completed", progress["status"]!.GetValue<string>());
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
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
        foreach (var url in _urls.Take(2))
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
    public async Task Killing_a_silo_mid_stream_loses_no_acknowledged_update_and_applies_nothing_twice()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "kill-test");
        var key = (await (await http.PostAsJsonAsync(_urls[0] + "/admin/tenants", new { id = "kill", name = "Kill" })).Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        (await http.PutAsJsonAsync(_urls[0] + "/api/users/ann@acme.test", new { name = "Ann" })).EnsureSuccessStatusCode();
        (await http.PostAsync(_urls[0] + "/api/rules", new StringContent("""
            {"name":"alert","active":true,"trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},
             "action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"inApp","body":"{{ customer.id }}"}}
            """, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var acknowledged = new ConcurrentDictionary<int, long>();
        var sent = 0L;
        var failedAttempts = 0L;
        var live = _urls.ToArray();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, 64).Select(async w =>
        {
            var random = new Random(w);
            // Each worker owns its customers, so each customer's sequence only grows.
            for (var step = 1L; !stop.IsCancellationRequested; step++)
            {
                var customer = w + 64 * random.Next(Customers / 64 + 1);
                if (customer >= Customers) continue;
                var sequence = acknowledged.GetValueOrDefault(customer) + 1;
                var body = $$"""{"outstandingAmount":{{sequence * 100}},"sequence":{{sequence}}}""";
                for (var attempt = 0; ; attempt++)
                {
                    var url = live[(w + attempt) % live.Length];
                    try
                    {
                        using var response = await http.PutAsync($"{url}/api/customers/c{customer}", new StringContent(body, Encoding.UTF8, "application/json"));
                        if (response.IsSuccessStatusCode)
                        {
                            acknowledged[customer] = sequence;
                            Interlocked.Increment(ref sent);
                            break;
                        }

                        Interlocked.Increment(ref failedAttempts);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref failedAttempts);
                    }

                    if (attempt > 200) throw new InvalidOperationException($"customer {customer} sequence {sequence} never acknowledged");
                    await Task.Delay(50);
                }
            }
        }).ToArray();

        await Task.Delay(3000);
        var victim = _silos[2];
        victim.Kill(); // SIGKILL: no shutdown, no goodbye to the cluster
        live = [.. _urls.Take(2)];
        await Task.Delay(8000);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var rate = Interlocked.Read(ref sent) / clock.Elapsed.TotalSeconds;

        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        foreach (var (customer, sequence) in acknowledged)
        {
            await using var read = new NpgsqlCommand("""
                select last_sequence, outstanding_amount,
                       (select count(*) from customer_audit a where a.tenant_id = c.tenant_id and a.customer_id = c.customer_id and a.kind = 'update'),
                       (select count(*) from notification_outbox o where o.tenant_id = c.tenant_id and o.customer_id = c.customer_id)
                from customers c where tenant_id = 'kill' and customer_id = @id
                """, connection);
            read.Parameters.AddWithValue("id", $"c{customer}");
            await using var row = await read.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync(), $"c{customer} acknowledged but missing");
            Assert.Equal(sequence, row.GetInt64(0));
            Assert.Equal(sequence * 100, row.GetDecimal(1));
            Assert.Equal(sequence, row.GetInt64(2)); // one update entry per sequence: none applied twice, none lost
            Assert.Equal(sequence * 100 > 5000 ? 1L : 0L, row.GetInt64(3)); // the crossing fired once
        }

        output.WriteLine($"{Interlocked.Read(ref sent)} updates acknowledged ({rate:0}/s) across {acknowledged.Count} customers; {Interlocked.Read(ref failedAttempts)} attempts failed around the kill and were retried");
        Assert.True(Interlocked.Read(ref failedAttempts) > 0, "the kill made no call fail: it did not test anything");
        Assert.True(acknowledged.Count > Customers / 2, $"only {acknowledged.Count} customers were updated");
        Assert.True(rate > 100, $"only {rate:0} updates/s got through");
    }
}
