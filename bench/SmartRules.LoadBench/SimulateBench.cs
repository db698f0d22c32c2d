using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace SmartRules.LoadBench;

/// <summary>
/// POST /api/rules/simulate at scale (issue #16): a tenant with 1M customers written straight into the customers table
/// with SQL (10 % of them B2B), then simulate of a draft "created or updated, Segment contains B2B" rule (10 %
/// candidates, every one changed) and of a saved "exceeds 5000 and B2B" threshold rule (5 % candidates), over loopback
/// HTTP. Goal: ≤ 10 s per simulate.
/// </summary>
internal static class SimulateBench
{
    public static async Task RunAsync(string connectionString, int rows)
    {
        await using var server = await BenchServer.StartAsync(connectionString, "simulate");
        var clock = Stopwatch.StartNew();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await using var insert = dataSource.CreateCommand("""
                insert into customers (tenant_id, customer_id, name, outstanding_amount, rating, average_payment_delay_days,
                                       custom_fields, version, updated_at)
                select 'simulate', 'c' || lpad(g::text, 8, '0'), 'Customer ' || g, g % 10000,
                       (array['A','B','C','D'])[1 + g % 4], g % 120,
                       jsonb_build_object('Segment', case when g % 10 = 0 then 'B2B' else 'B2C' end, 'Region', 'EU'),
                       1, now()
                from generate_series(1, @rows) g;
                analyze customers;
                """);
            insert.CommandTimeout = 900;
            insert.Parameters.AddWithValue("rows", rows);
            await insert.ExecuteNonQueryAsync();
        }

        Console.WriteLine($"{rows:N0} customers written in {clock.Elapsed.TotalSeconds:0} s");
        (await server.Client.PutAsync("/api/workflows/collections", Json("""{"name":"Collections"}"""))).EnsureSuccessStatusCode();
        var saved = await server.Client.PostAsync("/api/rules", Json("""{"name":"Big B2B balances","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],"action":{"type":"assignWorkflow","workflowId":"collections"}}"""));
        saved.EnsureSuccessStatusCode();
        var ruleId = JsonNode.Parse(await saved.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        var cases = new (string Name, string Body)[]
        {
            ("draft created-or-updated rule, Segment contains B2B (10 % candidates)", """{"rule":{"name":"B2B","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],"action":{"type":"assignWorkflow","workflowId":"collections"}}}"""),
            ("saved rule exceeds 5000 and B2B (5 % candidates)", $$"""{"ruleId":"{{ruleId}}"}"""),
        };

        Console.WriteLine();
        Console.WriteLine($"| simulate ({rows:N0} customers) | runs | best s | worst s | matchingConditions | beyondThreshold | wouldChange |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, body) in cases)
        {
            var times = new List<double>();
            JsonNode? answer = null;
            for (var i = 0; i < 3; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await server.Client.PostAsync("/api/rules/simulate", Json(body));
                var text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"simulate answered {(int)response.StatusCode}: {text}");
                times.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                answer = JsonNode.Parse(text);
            }

            string F(string n) => answer![n] is { } v ? v.GetValue<long>().ToString("N0", CultureInfo.InvariantCulture) : "null";
            Console.WriteLine($"| {name} | {times.Count} | {times.Min():0.00} | {times.Max():0.00} | {F("matchingConditions")} | {F("beyondThreshold")} | {F("wouldChange")} |");
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
