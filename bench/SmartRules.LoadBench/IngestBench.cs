using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Server.Hosting;

namespace SmartRules.LoadBench;

/// <summary>
/// NDJSON ingestion over loopback HTTP against one silo that serves the API (the server's own configuration), beside
/// direct grain calls in the same process and run: max updates/s, then per-request latency at a paced 6,000 updates/s.
/// </summary>
internal static class IngestBench
{
    public static async Task RunAsync(string connectionString, int customers, int updates, int inFlight)
    {
        await using var server = await BenchServer.StartAsync(connectionString, "ingest");
        var app = server.App;
        var http = server.Client;
        await SetUpAsync(http);

        var clock = Stopwatch.StartNew();
        await SendAsync(http, Enumerable.Range(0, customers).Select(i =>
            $$"""{"id":"c{{i}}","name":"Customer {{i}}","outstandingAmount":{{i % 4000}},"rating":"B","averagePaymentDelayDays":12,"customFields":{"Segment":"B2B","Region":"EU","Plan":"Basic","CSM email":"ann@acme.test","Tier":"2"},"assignedUsers":["ann@acme.test","bob@acme.test"]}"""),
            linesPerRequest: 1000, streams: 8);
        Console.WriteLine($"created {customers:N0} customers over HTTP: {customers / clock.Elapsed.TotalSeconds:N0}/s");

        var random = new Random(7);
        clock.Restart();
        await SendAsync(http, Enumerable.Range(0, updates).Select(_ => $$"""{"id":"c{{random.Next(customers)}}","outstandingAmount":{{random.Next(10_000)}}}"""), linesPerRequest: 1000, streams: 8);
        var httpRate = updates / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{updates:N0} NDJSON updates over HTTP: {httpRate:N0}/s");

        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var latencies = new double[updates];
        var next = -1;
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            await Task.Yield();
            int i;
            while ((i = Interlocked.Increment(ref next)) < updates)
            {
                var started = Stopwatch.GetTimestamp();
                await grains.GetGrain<ICustomerGrain>(CustomerKey.Format("ingest", $"c{random.Next(customers)}"))
                    .ApplyAsync(new CustomerUpdateCommand { OutstandingAmount = Patch.Set((decimal)(i % 10_000)) });
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        var grainRate = updates / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{updates:N0} direct grain updates in process: {grainRate:N0}/s");

        var (p50, p99, achieved) = await PacedAsync(http, customers, rate: 6000, seconds: 20, linesPerRequest: 20);
        Console.WriteLine();
        Console.WriteLine("| path | updates/s | ratio to in-process grains |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| in-process grain calls ({inFlight} in flight) | {grainRate:N0} | 1.00 |");
        Console.WriteLine($"| NDJSON over loopback HTTP (8 streams x 1000 lines) | {httpRate:N0} | {httpRate / grainRate:0.00} |");
        Console.WriteLine();
        Console.WriteLine($"paced at 6,000 updates/s (requests of 20 lines): achieved {achieved:N0}/s, request latency p50 {p50:0.0} ms, p99 {p99:0.0} ms");
    }

    private static async Task SetUpAsync(HttpClient http)
    {
        foreach (var email in new[] { "ann@acme.test", "bob@acme.test" }) (await http.PutAsJsonAsync($"/api/users/{email}", new { name = email[..3] })).EnsureSuccessStatusCode();
        foreach (var workflow in new[] { "collections", "legal" }) (await http.PutAsJsonAsync($"/api/workflows/{workflow}", new { name = workflow })).EnsureSuccessStatusCode();
        for (var i = 0; i < 20; i++)
        {
            var rule = (i % 4) switch
            {
                0 when i == 0 => """{"name":"big","active":true,"trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"}}""",
                0 => $$$"""{"name":"t{{{i}}}","active":true,"trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":{{{20_000 + i}}}},"action":{"type":"assignWorkflow","workflowId":"legal"}}""",
                1 => $$$"""{"name":"u{{{i}}}","active":true,"trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2C"}],"action":{"type":"assignUsers","fromCustomFields":["CSM email"]}}""",
                2 => $$$"""{"name":"r{{{i}}}","active":true,"trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"C"},"action":{"type":"assignPaymentMethods","methods":["card"]}}""",
                _ => $$$"""{"name":"d{{{i}}}","active":true,"trigger":{"type":"averagePaymentDelayThreshold","direction":"exceeds","value":90},"conditions":[{"field":"rating","operator":"atMost","value":"C"}],"action":{"type":"exclude"}}""",
            };
            (await http.PostAsync("/api/rules", new StringContent(rule, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }
    }

    private static async Task SendAsync(HttpClient http, IEnumerable<string> lines, int linesPerRequest, int streams)
    {
        var chunks = lines.Chunk(linesPerRequest).Select(c => string.Join('\n', c) + "\n");
        using var queue = chunks.GetEnumerator();
        var gate = new object();
        await Task.WhenAll(Enumerable.Range(0, streams).Select(async _ =>
        {
            while (true)
            {
                string body;
                lock (gate)
                {
                    if (!queue.MoveNext()) return;
                    body = queue.Current;
                }

                var response = await http.PostAsync("/api/customer-updates", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
                var result = await response.Content.ReadFromJsonAsync<JsonObject>();
                if (!response.IsSuccessStatusCode || result!["rejectedTotal"]!.GetValue<int>() > 0) throw new InvalidOperationException($"{(int)response.StatusCode}: {result}");
            }
        }));
    }

    private static async Task<(double P50, double P99, double Achieved)> PacedAsync(HttpClient http, int customers, int rate, int seconds, int linesPerRequest)
    {
        var requests = rate * seconds / linesPerRequest;
        var interval = TimeSpan.FromSeconds((double)linesPerRequest / rate);
        var latencies = new double[requests];
        var random = new Random(11);
        var bodies = Enumerable.Range(0, requests).Select(_ => string.Concat(Enumerable.Range(0, linesPerRequest)
            .Select(_ => $$"""{"id":"c{{random.Next(customers)}}","outstandingAmount":{{random.Next(10_000)}}}""" + "\n"))).ToArray();
        var start = Stopwatch.GetTimestamp();
        var tasks = new Task[requests];
        for (var r = 0; r < requests; r++)
        {
            var due = start + (long)(interval.TotalSeconds * r * Stopwatch.Frequency);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            var index = r;
            tasks[r] = Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/api/customer-updates", new StringContent(bodies[index], Encoding.UTF8, "application/x-ndjson"));
                response.EnsureSuccessStatusCode();
                latencies[index] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            });
        }

        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Array.Sort(latencies);
        return (latencies[latencies.Length / 2], latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * 0.99))], requests * linesPerRequest / elapsed);
    }
}
