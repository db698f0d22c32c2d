using System.Diagnostics;
using System.Text;
using Npgsql;

namespace SmartRules.LoadBench;

/// <summary>
/// Customer lists at scale: a tenant with 1M customers (rows written straight into the customers table, as grains
/// would have written them), then pages of 100 through GET /api/customers over loopback HTTP, with and without
/// filters, and counts. Prints p50/p95 per kind of query. Goal (issue #5): p95 ≤ 200 ms for a page of 100.
/// </summary>
internal static class ListBench
{
    public static async Task RunAsync(string connectionString, int rows)
    {
        await using var server = await BenchServer.StartAsync(connectionString, "lists");
        var clock = Stopwatch.StartNew();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await using var insert = dataSource.CreateCommand("""
                insert into customers (tenant_id, customer_id, name, outstanding_amount, rating, average_payment_delay_days,
                                       custom_fields, version, updated_at)
                select 'lists', 'c' || lpad(g::text, 8, '0'), 'Customer ' || g, g % 10000,
                       (array['A','B','C','D'])[1 + g % 4], g % 120,
                       jsonb_build_object('Segment', case when g % 10 = 0 then 'B2B' else 'B2C' end, 'Region', 'EU', 'Plan', 'Basic'),
                       1, now()
                from generate_series(1, @rows) g;
                analyze customers;
                """);
            insert.CommandTimeout = 600;
            insert.Parameters.AddWithValue("rows", rows);
            await insert.ExecuteNonQueryAsync();
        }

        Console.WriteLine($"{rows:N0} customers written in {clock.Elapsed.TotalSeconds:0} s");
        var random = new Random(3);
        var queries = new (string Name, Func<string> Url)[]
        {
            ("page of 100, no filter, random start", () => $"/api/customers?limit=100&after={Cursor(random, rows)}"),
            ("page of 100, Segment contains B2B (10%)", () => $"/api/customers?limit=100&after={Cursor(random, rows)}&filter=" + Uri.EscapeDataString("""[{"field":"customFields.Segment","operator":"contains","value":"B2B"}]""")),
            ("page of 100, rating isOneOf C,D and delay min 60 (25%)", () => $"/api/customers?limit=100&after={Cursor(random, rows)}&filter=" + Uri.EscapeDataString("""[{"field":"rating","operator":"isOneOf","value":["C","D"]},{"field":"averagePaymentDelayDays","operator":"min","value":60}]""")),
            ("page of 100, outstandingAmount min 9900 (1%)", () => $"/api/customers?limit=100&after={Cursor(random, rows)}&filter=" + Uri.EscapeDataString("""[{"field":"outstandingAmount","operator":"min","value":9900}]""")),
        };

        Console.WriteLine();
        Console.WriteLine("| query (1M customers) | p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, url) in queries)
        {
            var (p50, p95) = await MeasureAsync(() => server.Client.GetAsync(url()), 100);
            Console.WriteLine($"| {name} | {p50:0.0} | {p95:0.0} |");
        }

        var countBody = """{"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}]}""";
        var (c50, c95) = await MeasureAsync(() => server.Client.PostAsync("/api/customers/count", new StringContent(countBody, Encoding.UTF8, "application/json")), 20);
        Console.WriteLine($"| count + sample, Segment contains B2B | {c50:0.0} | {c95:0.0} |");
    }

    private static string Cursor(Random random, int rows)
    {
        var id = "c" + random.Next(1, rows).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        return SmartRules.Server.Apis.PageCursor.Encode(id);
    }

    private static async Task<(double P50, double P95)> MeasureAsync(Func<Task<HttpResponseMessage>> call, int count)
    {
        (await call()).EnsureSuccessStatusCode();
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await call();
            response.EnsureSuccessStatusCode();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[count / 2], times[(int)(count * 0.95)]);
    }
}
