using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace SmartRules.LoadBench;

/// <summary>
/// "Apply to existing customers" at scale, beside its floor: the same rows changed by one set-based SQL UPDATE in the
/// same run. (a) 100k customers, all matching; (b) 1M customers, 10 % matching. Customers are written straight into the
/// customers table (as grains would have written them), so the backfill also pays for activating each grain it touches.
/// Goals (issue #6): (a) ≤ 20 s, (b) ≤ 60 s.
/// </summary>
internal static class BackfillBench
{
    public static async Task RunAsync(string connectionString, int warmUp = 0)
    {
        Console.WriteLine("| scenario | backfill s | SQL UPDATE floor s | ratio | matched | applied |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var costs = new List<string>
        {
            await ScenarioAsync(connectionString, "100k customers, all matching", rows: 100_000, matchEvery: 1, warmUp),
            await ScenarioAsync(connectionString, "1M customers, 10 % matching", rows: 1_000_000, matchEvery: 10, warmUp),
        };
        Console.WriteLine();
        foreach (var cost in costs) Console.WriteLine(cost);
    }

    /// <summary>
    /// Runs one scenario, prints its row of the table and returns what the backfill cost per matching customer. With a
    /// warm-up, a backfill of <paramref name="warmUp"/> other customers (segment "Warm", which the measured rule does not
    /// match) runs first on the same silo, so the measured one runs on a silo whose code is already compiled.
    /// </summary>
    private static async Task<string> ScenarioAsync(string connectionString, string name, int rows, int matchEvery, int warmUp)
    {
        var tenant = "bf" + rows;
        await using var server = await BenchServer.StartAsync(connectionString, tenant);
        var http = server.Client;
        (await http.PutAsJsonAsync("/api/workflows/collections", new { name = "Collections" })).EnsureSuccessStatusCode();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        foreach (var t in new[] { tenant, tenant + "-floor" })
        {
            await using var insert = dataSource.CreateCommand($"""
                insert into customers (tenant_id, customer_id, name, outstanding_amount, rating, custom_fields, version, updated_at)
                select @tenant, 'c' || lpad(g::text, 8, '0'), 'Customer ' || g, g % 10000, 'B',
                       jsonb_build_object('Segment', case when g % {matchEvery} = 0 then 'B2B' else 'B2C' end, 'Region', 'EU',
                                          'Account number', 'AC-' || lpad(g::text, 7, '0')), 1, now()
                from generate_series(1, @rows) g;
                analyze customers;
                """);
            insert.CommandTimeout = 600;
            insert.Parameters.AddWithValue("tenant", t);
            insert.Parameters.AddWithValue("rows", rows);
            await insert.ExecuteNonQueryAsync();
        }

        var warmed = "";
        if (warmUp > 0)
        {
            await using (var insert = dataSource.CreateCommand("""
                insert into customers (tenant_id, customer_id, name, outstanding_amount, rating, custom_fields, version, updated_at)
                select @tenant, 'w' || lpad(g::text, 8, '0'), 'Warm-up ' || g, g % 10000, 'B', '{"Segment":"Warm"}', 1, now()
                from generate_series(1, @rows) g;
                analyze customers;
                """))
            {
                insert.Parameters.AddWithValue("tenant", tenant);
                insert.Parameters.AddWithValue("rows", warmUp);
                await insert.ExecuteNonQueryAsync();
            }

            var warmRule = await SegmentRuleAsync(http, "Warm-up", "Warm");
            var warmCost = ProcessCost.Start();
            var (warmSeconds, _) = await BackfillAsync(http, warmRule);
            warmed = $"; its warm-up ({warmUp:N0} other customers on the new silo: {warmSeconds:0.0} s) {warmCost.Stop(warmUp, warmSeconds)}";
            (await http.PostAsync($"/api/rules/{warmRule}/deactivate", null)).EnsureSuccessStatusCode();
        }

        var rule = await SegmentRuleAsync(http, "B2B to collections", "B2B");
        var cost = ProcessCost.Start();
        var (backfillSeconds, progress) = await BackfillAsync(http, rule);
        var spent = cost.Stop(rows / matchEvery, backfillSeconds);

        var clock = Stopwatch.StartNew();
        await using (var floor = dataSource.CreateCommand("""
            update customers set workflow = 'collections', version = version + 1, updated_at = now()
            where tenant_id = @tenant and not excluded and custom_fields @> '{"Segment":"B2B"}'
            """))
        {
            floor.CommandTimeout = 600;
            floor.Parameters.AddWithValue("tenant", tenant + "-floor");
            await floor.ExecuteNonQueryAsync();
        }

        var floorSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"| {name} | {backfillSeconds:0.0} | {floorSeconds:0.0} | {backfillSeconds / floorSeconds:0.0}x | {progress["matched"]} | {progress["applied"]} ({progress["status"]}) |");
        return $"{name}: cost per matching customer {spent}{warmed}";
    }

    /// <summary>Creates an inactive rule "segment contains <paramref name="segment"/> → workflow collections"; its id.</summary>
    private static async Task<string> SegmentRuleAsync(HttpClient http, string name, string segment)
    {
        var rule = new JsonObject
        {
            ["name"] = name,
            ["trigger"] = new JsonObject { ["type"] = "customerCreatedOrUpdated" },
            ["conditions"] = new JsonArray(new JsonObject { ["field"] = "customFields.Segment", ["operator"] = "contains", ["value"] = segment }),
            ["action"] = new JsonObject { ["type"] = "assignWorkflow", ["workflowId"] = "collections" },
        };
        var created = await (await http.PostAsync("/api/rules", new StringContent(rule.ToJsonString(), Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonObject>();
        return created!["id"]!.GetValue<string>();
    }

    /// <summary>Activates the rule with apply-to-existing and waits for its backfill to end: its seconds and last progress.</summary>
    private static async Task<(double Seconds, JsonObject Progress)> BackfillAsync(HttpClient http, string ruleId)
    {
        var clock = Stopwatch.StartNew();
        var started = await (await http.PostAsync($"/api/rules/{ruleId}/activate", new StringContent("""{"applyToExisting":true}""", Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonObject>();
        JsonObject progress;
        do
        {
            await Task.Delay(100);
            progress = (await http.GetFromJsonAsync<JsonObject>($"/api/backfills/{started!["backfillId"]}"))!;
        }
        while (progress["status"]!.GetValue<string>() == "running");
        return (clock.Elapsed.TotalSeconds, progress);
    }
}
