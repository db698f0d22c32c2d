using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartRules.Grains.Telemetry;

namespace SmartRules.LoadBench;

/// <summary>
/// The real workloads, as a new high-volume tenant meets them: NDJSON over loopback HTTP to one silo that serves the
/// API (the server's own configuration), 1,000 lines a request on 8 connections, 20 active rules of every trigger kind
/// (<see cref="Workload"/>). In one run, beside the durable-write floor of the same machine measured first:
///   import - new customers with name, amounts, rating, delay and custom fields (vs the floor's batched inserts)
///   heavy  - updates where amounts, rating and delay all move, so thresholds cross and rules fire (vs upserts)
///   light  - balance-only updates, the regression check of earlier rounds (vs upserts)
///   paced  - heavy updates paced at 6,000/s in requests of 20 lines: request latency under a steady load
/// Per phase: lines/s, request and line latency (a line: from the handler's grain call to its answer), rule firings/s
/// and audit rows/s (counted in the database), and the ratio to the floor.
/// </summary>
internal static class WorkloadBench
{
    private const string Tenant = "work";
    private const int LinesPerRequest = 1000;
    private const int Streams = 8;

    public static async Task RunAsync(string connectionString, string mode, int customers, int updates, int seed, int warmUp = 0)
    {
        var phases = mode switch
        {
            "workloads" => new[] { "import", "heavy", "light", "paced" },
            "import" => ["import"],
            "heavy" => ["import", "heavy", "paced"],
            "light" or "ingest" => ["import", "light"],
            _ => throw new ArgumentException($"unknown workload '{mode}'"),
        };
        Console.WriteLine($"workloads {string.Join(", ", phases)}: {customers:N0} customers, {updates:N0} updates a phase, seed {seed}, {Environment.ProcessorCount} cores{(warmUp > 0 ? $", after a warm-up of {warmUp:N0} customers" : "")}");

        using var lines = new LineLatencies(Math.Max(customers, updates) + 1000);
        await using var server = await BenchServer.StartAsync(connectionString, Tenant);
        var http = server.Client;
        await SetUpAsync(http);

        // The floor runs on the same database once the silo has created its schema (its table is shaped like customers),
        // and again after the last phase: the machine is shared, and a run whose floor moved between the two is one whose
        // phases met a machine of another speed than the first floor did. Each phase is printed beside both.
        var floor = await FloorAsync(connectionString, customers, updates, seed);
        Console.WriteLine($"floor: {floor.Inserts:N0} inserts/s, {floor.Upserts:N0} upserts/s (batched, {LinesPerRequest} rows a statement, {Streams} sessions, no logic)");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var results = new List<PhaseResult>();
        if (warmUp > 0)
        {
            // A silo serving tenants has been running for a while: its code is compiled at tier 1 and its pools are
            // grown. The warm-up imports other customers (ids after the measured ones) and streams heavy updates to
            // them; it is printed as rows of its own, which are what a new silo's first lines cost.
            var warm = new Workload(seed + 1);
            results.Add(await StreamAsync("warm-up import (new silo)", Bodies(Enumerable.Range(customers, warmUp).Select(warm.NewCustomer), LinesPerRequest), warmUp, http, dataSource, lines, "inserts"));
            results.Add(await StreamAsync("warm-up heavy", Bodies(Enumerable.Range(0, warmUp).Select(_ => warm.HeavyUpdate(warmUp, first: customers)), LinesPerRequest), warmUp, http, dataSource, lines, "upserts"));
        }

        var workload = new Workload(seed);
        foreach (var phase in phases)
        {
            PhaseResult result;
            switch (phase)
            {
                case "import":
                {
                    var bodies = Bodies(Enumerable.Range(0, customers).Select(workload.NewCustomer), LinesPerRequest);
                    var before = Measure.Memory();
                    result = await StreamAsync("import", bodies, customers, http, dataSource, lines, "inserts");
                    var perGrain = (Measure.Memory() - before) / customers;
                    Console.WriteLine($"  memory: {perGrain:N0} B per active customer grain (managed heap after the import / customers)");
                    break;
                }
                case "heavy":
                    result = await StreamAsync("heavy", Bodies(Enumerable.Range(0, updates).Select(_ => workload.HeavyUpdate(customers)), LinesPerRequest), updates, http, dataSource, lines, "upserts");
                    break;
                case "light":
                    result = await StreamAsync("light", Bodies(Enumerable.Range(0, updates).Select(_ => workload.LightUpdate(customers)), LinesPerRequest), updates, http, dataSource, lines, "upserts");
                    break;
                default:
                    result = await PacedAsync(Bodies(Enumerable.Range(0, 6000 * 20).Select(_ => workload.HeavyUpdate(customers)), 20), rate: 6000, http, dataSource, lines);
                    break;
            }

            results.Add(result);
        }

        // The grain floor after the phases, so that its empty grains do not sit in the heap the phases collect; it meets
        // the customer grains the phases left, as a running silo would. As many activations as the import's lines; five
        // times a phase's updates in calls, which are fast enough that a phase of one collection would be mostly that
        // collection.
        var grainFloor = await GrainFloor.MeasureAsync(server.App.Services.GetRequiredService<IGrainFactory>(), customers, 5 * updates, seed);
        grainFloor.Print("grain floor: ");
        var floorAfter = await FloorAsync(connectionString, customers, updates, seed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"floor after the phases: {floorAfter.Inserts:N0} inserts/s, {floorAfter.Upserts:N0} upserts/s ({Moved(floor.Inserts, floorAfter.Inserts)} and {Moved(floor.Upserts, floorAfter.Upserts)} from the first)"));
        double? Floor(string? kind, (double Inserts, double Upserts) f) => kind switch { "inserts" => f.Inserts, "upserts" => f.Upserts, _ => null };

        Console.WriteLine();
        Console.WriteLine("| workload | lines/s | floor of the run, before / after the phases | ratio to each | request p50 / p99 ms | line p50 / p99 ms | firings/s | audit rows/s | refused as excluded |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var (before, after) = (Floor(r.FloorKind, floor), Floor(r.FloorKind, floorAfter));
            var floorText = before is { } f && after is { } a ? $"{f:N0} / {a:N0} {r.FloorKind}/s" : "-";
            var ratio = before is { } g && after is { } h ? string.Create(CultureInfo.InvariantCulture, $"{r.Rate / g:0.00} / {r.Rate / h:0.00}") : "-";
            Console.WriteLine($"| {r.Name} | {r.Rate:N0} | {floorText} | {ratio} | {r.RequestP50:0} / {r.RequestP99:0} | {r.LineP50:0.0} / {r.LineP99:0.0} | {r.Firings:N0} | {r.AuditRows:N0} | {r.Excluded:N0} |");
        }

        Console.WriteLine();
        foreach (var line in GrainFloorLines(results, grainFloor, floor, floorAfter)) Console.WriteLine(line);
    }

    /// <summary>
    /// Each workload beside the grain floor (an import line activates a customer grain, an update calls an active one), and
    /// the rate each ratio goal asks for (0.25 of the insert floor, 0.35 of the upsert floor; the lower of the run's two
    /// floors) as a share of the grain floor: a goal above 1.00 of it asks for more lines than the silo could activate or
    /// call with nothing else to do.
    /// </summary>
    private static IEnumerable<string> GrainFloorLines(List<PhaseResult> results, GrainFloor.Result grains, (double Inserts, double Upserts) floor, (double Inserts, double Upserts) floorAfter)
    {
        foreach (var r in results.Where(r => r.FloorKind is not null && !r.Name.StartsWith("warm-up", StringComparison.Ordinal)))
        {
            var (grainRate, grainCpu, what, goal, database) = r.FloorKind == "inserts"
                ? (grains.Activations, grains.ActivationCpu, "activations", 0.25, Math.Min(floor.Inserts, floorAfter.Inserts))
                : (grains.Calls, grains.CallCpu, "calls", 0.35, Math.Min(floor.Upserts, floorAfter.Upserts));
            var goalRate = goal * database;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{r.Name}: {r.Rate / grainRate:0.00} of the grain floor's {what} ({grainRate:N0}/s). The goal of {goal:0.00} of the {r.FloorKind} floor, {goalRate:N0}/s, is {goalRate / grainRate:0.00} of it and leaves {Environment.ProcessorCount * 1e6 / goalRate:N0} µs of CPU a line for the silo, its client and PostgreSQL together, of which the empty grain's {what[..^1]} takes {grainCpu:N0} µs");
        }
    }

    /// <summary>How far the floor moved between the two measurements, as "+12 %".</summary>
    private static string Moved(double first, double then) =>
        string.Create(CultureInfo.InvariantCulture, $"{(then - first) / first:+0 %;-0 %;0 %}");

    internal static async Task SetUpAsync(HttpClient http)
    {
        foreach (var email in Workload.Users) (await http.PutAsJsonAsync($"/api/users/{email}", new { name = email[..email.IndexOf('@')] })).EnsureSuccessStatusCode();
        foreach (var workflow in Workload.Workflows) (await http.PutAsJsonAsync($"/api/workflows/{workflow}", new { name = workflow })).EnsureSuccessStatusCode();
        foreach (var rule in Workload.Rules)
        {
            var json = JsonNode.Parse(rule)!.AsObject();
            json["active"] = true;
            var response = await http.PostAsync("/api/rules", new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"));
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"rule refused: {await response.Content.ReadAsStringAsync()}");
        }
    }

    internal static byte[][] Bodies(IEnumerable<string> lines, int perRequest) =>
        [.. lines.Chunk(perRequest).Select(chunk => Encoding.UTF8.GetBytes(string.Join('\n', chunk) + "\n"))];

    private static async Task<PhaseResult> StreamAsync(string name, byte[][] bodies, int lineCount, HttpClient http, NpgsqlDataSource dataSource, LineLatencies lines, string floorKind)
    {
        var counts = await CountAsync(dataSource);
        lines.Reset();
        var requestLatencies = new double[bodies.Length];
        var excluded = 0;
        var next = -1;
        using var commits = new CommitSizes();
        var cost = ProcessCost.Start();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Streams).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                var started = Stopwatch.GetTimestamp();
                Interlocked.Add(ref excluded, await PostAsync(http, bodies[i]));
                requestLatencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var spent = cost.Stop(lineCount, seconds);
        var after = await CountAsync(dataSource);
        var (lineP50, lineP99) = lines.Percentiles();
        Array.Sort(requestLatencies);
        var result = new PhaseResult(name, lineCount / seconds, floorKind, Measure.Percentile(requestLatencies, 0.5), Measure.Percentile(requestLatencies, 0.99),
            lineP50, lineP99, (after.Firings - counts.Firings) / seconds, (after.Audit - counts.Audit) / seconds, excluded);
        var updated = after.Updated - counts.Updated;
        var hot = updated == 0 ? "" : $", customer rows updated {updated:N0} ({(double)(after.HotUpdated - counts.HotUpdated) / updated:P0} in place, HOT)";
        Console.WriteLine($"{name}: {lineCount:N0} lines in {seconds:0.0} s = {result.Rate:N0}/s; {after.Firings - counts.Firings:N0} firings, {after.Audit - counts.Audit:N0} audit rows, {after.Outbox - counts.Outbox:N0} notifications{hot}");
        Console.WriteLine($"  {name} cost per line: {spent}");
        Console.WriteLine($"  {name} group commit: {commits.Describe()}");
        return result;
    }

    /// <summary>The request latency the paced phase's goal names (p99 at most this).</summary>
    private const double SlowMs = 50;

    private static async Task<PhaseResult> PacedAsync(byte[][] bodies, int rate, HttpClient http, NpgsqlDataSource dataSource, LineLatencies lines)
    {
        const int linesPerRequest = 20;
        var counts = await CountAsync(dataSource);
        lines.Reset();
        var interval = (double)linesPerRequest / rate;
        var latencies = new double[bodies.Length];
        var sentAt = new double[bodies.Length];
        var excluded = 0;
        using var commits = new CommitSizes();
        var cost = ProcessCost.Start();
        var start = Stopwatch.GetTimestamp();
        var tasks = new Task[bodies.Length];
        using var windows = new TailWindows(start);
        for (var r = 0; r < bodies.Length; r++)
        {
            var wait = start + (long)(interval * r * Stopwatch.Frequency) - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            var index = r;
            tasks[r] = Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                sentAt[index] = Stopwatch.GetElapsedTime(start, sent).TotalSeconds;
                Interlocked.Add(ref excluded, await PostAsync(http, bodies[index]));
                latencies[index] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            });
        }

        await Task.WhenAll(tasks);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var spent = cost.Stop(bodies.Length * linesPerRequest, seconds);
        var after = await CountAsync(dataSource);
        var (lineP50, lineP99) = lines.Percentiles();
        var tail = windows.Describe(sentAt, latencies, SlowMs);
        Array.Sort(latencies);
        var result = new PhaseResult($"paced heavy, {rate:N0}/s target, {linesPerRequest}-line requests", bodies.Length * linesPerRequest / seconds, null,
            Measure.Percentile(latencies, 0.5), Measure.Percentile(latencies, 0.99), lineP50, lineP99, (after.Firings - counts.Firings) / seconds, (after.Audit - counts.Audit) / seconds, excluded);
        Console.WriteLine($"paced: achieved {result.Rate:N0}/s, request p50 {result.RequestP50:0.0} ms, p99 {result.RequestP99:0.0} ms");
        Console.WriteLine($"  paced cost per line: {spent}");
        Console.WriteLine($"  paced group commit: {commits.Describe()}");
        Console.WriteLine($"  paced tail: {tail}");
        return result;
    }

    /// <summary>Posts one body; fails on anything but lines refused because their customer is excluded, and counts those.</summary>
    internal static async Task<int> PostAsync(HttpClient http, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/x-ndjson");
        using var response = await http.PostAsync("/api/customer-updates", content);
        var result = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {result}");
        var rejected = result!["rejected"]!.AsArray();
        if (rejected.Any(r => !r!["error"]!.GetValue<string>().Contains("is excluded", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"lines rejected: {rejected.First(r => !r!["error"]!.GetValue<string>().Contains("is excluded", StringComparison.Ordinal))}");
        }

        return result["rejectedTotal"]!.GetValue<int>();
    }

    private static async Task<(long Firings, long Audit, long Outbox, long Updated, long HotUpdated)> CountAsync(NpgsqlDataSource dataSource)
    {
        // The statistics of the customers table (updated rows, and those updated in place on their page without a new
        // index entry, "HOT") are flushed by each backend at the end of its transactions, at most a second late.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await using var command = dataSource.CreateCommand($"""
            select (select count(*) from customer_audit where tenant_id = '{Tenant}' and kind = 'ruleFired'),
                   (select count(*) from customer_audit where tenant_id = '{Tenant}'),
                   (select count(*) from notification_outbox where tenant_id = '{Tenant}'),
                   (select n_tup_upd from pg_stat_user_tables where relname = 'customers'),
                   (select n_tup_hot_upd from pg_stat_user_tables where relname = 'customers')
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    /// <summary>
    /// The durable-write floor of this machine in this run: plain Npgsql, rows of the workload's size and values into
    /// a table shaped like <c>customers</c> (its primary key, no other index), 1,000 rows a statement from 8 sessions,
    /// synchronous commits; then upserts of existing rows. No logic, no audit: what the database alone can take.
    /// </summary>
    private static async Task<(double Inserts, double Upserts)> FloorAsync(string connectionString, int rows, int updates, int seed)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var create = dataSource.CreateCommand("""
            create table floor_customers (like customers including defaults including constraints);
            alter table floor_customers add primary key (tenant_id, customer_id);
            alter table floor_customers set (fillfactor = 80);
            """))
        {
            await create.ExecuteNonQueryAsync();
        }

        var workload = new Workload(seed);
        var batches = Enumerable.Range(0, rows).Select(workload.FloorRow).Chunk(LinesPerRequest).ToArray();
        const string insert = """
            insert into floor_customers (tenant_id, customer_id, name, outstanding_amount, due_amount, overdue_amount, rating,
                average_payment_delay_days, custom_fields, assigned_users, version, updated_at)
            select 'floor', t.*, 1, now() from unnest(@id::text[], @name::text[], @outstanding::numeric[], @due::numeric[],
                @overdue::numeric[], @rating::char(1)[], @delay::numeric[], @fields::jsonb[], @users::jsonb[]) as t
            """;

        // A tenth of the inserts first, not counted, then emptied: a process's first statements of this shape compile
        // Npgsql's array writing (the bench compiles every method optimised at first use, as the silo does), and a new
        // table's first pages come slower. Without it the first floor of a run measured 9-43 % below the same floor
        // after the phases.
        await RunFloorAsync(dataSource, batches[..Math.Max(1, batches.Length / 10)], insert);
        await using (var empty = dataSource.CreateCommand("truncate floor_customers")) await empty.ExecuteNonQueryAsync();
        var insertCpu = DatabaseCpu.Read();
        var inserts = await RunFloorAsync(dataSource, batches, insert);

        var insertCost = DatabaseCpu.PerUnit(insertCpu, rows, "row");

        // Upserts of existing rows in random order, no row twice in one statement.
        var random = new Random(seed);
        var order = Enumerable.Range(0, updates).Select(i => i % rows).ToArray();
        random.Shuffle(order);
        var updateBatches = order.Select(workload.FloorRow).Chunk(LinesPerRequest)
            .Select(chunk => chunk.DistinctBy(r => r.Id).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray()).ToArray(); // one lock order: no deadlocks
        var upsertCpu = DatabaseCpu.Read();
        var upserts = await RunFloorAsync(dataSource, updateBatches, """
            insert into floor_customers as c (tenant_id, customer_id, name, outstanding_amount, due_amount, overdue_amount, rating,
                average_payment_delay_days, custom_fields, assigned_users, version, updated_at)
            select 'floor', t.*, 1, now() from unnest(@id::text[], @name::text[], @outstanding::numeric[], @due::numeric[],
                @overdue::numeric[], @rating::char(1)[], @delay::numeric[], @fields::jsonb[], @users::jsonb[]) as t
            on conflict (tenant_id, customer_id) do update set outstanding_amount = excluded.outstanding_amount,
                due_amount = excluded.due_amount, overdue_amount = excluded.overdue_amount, rating = excluded.rating,
                average_payment_delay_days = excluded.average_payment_delay_days, version = c.version + 1, updated_at = now()
            """);
        var upsertCost = DatabaseCpu.PerUnit(upsertCpu, updateBatches.Sum(b => b.Length), "row");
        await using (var drop = dataSource.CreateCommand("drop table floor_customers")) await drop.ExecuteNonQueryAsync();
        Console.WriteLine($"floor's PostgreSQL: inserts {insertCost}, upserts {upsertCost}");
        return (inserts, upserts);
    }

    private static async Task<double> RunFloorAsync(NpgsqlDataSource dataSource, FloorRow[][] batches, string sql)
    {
        var next = -1;
        var written = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Streams).Select(async _ =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Length)
            {
                var batch = batches[i];
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue("id", batch.Select(r => r.Id).ToArray());
                command.Parameters.AddWithValue("name", batch.Select(r => r.Name).ToArray());
                command.Parameters.AddWithValue("outstanding", batch.Select(r => r.Outstanding).ToArray());
                command.Parameters.AddWithValue("due", batch.Select(r => r.Due).ToArray());
                command.Parameters.AddWithValue("overdue", batch.Select(r => r.Overdue).ToArray());
                command.Parameters.AddWithValue("rating", batch.Select(r => r.Rating).ToArray());
                command.Parameters.AddWithValue("delay", batch.Select(r => r.Delay).ToArray());
                command.Parameters.AddWithValue("fields", batch.Select(r => r.CustomFields).ToArray());
                command.Parameters.AddWithValue("users", batch.Select(r => r.Users).ToArray());
                Interlocked.Add(ref written, await command.ExecuteNonQueryAsync());
            }
        }));
        return written / clock.Elapsed.TotalSeconds;
    }

    private sealed record PhaseResult(string Name, double Rate, string? FloorKind, double RequestP50, double RequestP99, double LineP50, double LineP99, double Firings, double AuditRows, int Excluded);

    /// <summary>
    /// Each NDJSON line's time from the API handler's grain call to its answer, as the server records it in its
    /// <c>smartrules.ingestion.line_duration</c> histogram (read here with a <see cref="MeterListener"/>, so the bench adds
    /// nothing to the path it measures; a grain call filter did, until change 14).
    /// </summary>
    private sealed class LineLatencies : IDisposable
    {
        private readonly float[] _milliseconds;
        private readonly MeterListener _listener;
        private int _count;

        public LineLatencies(int capacity)
        {
            _milliseconds = new float[capacity];
            _listener = SmartRulesInstrument.Listen<double>(SmartRulesMetrics.IngestionLineDurationName, (_, milliseconds, _, _) =>
            {
                var slot = Interlocked.Increment(ref _count) - 1;
                if (slot < _milliseconds.Length) _milliseconds[slot] = (float)milliseconds;
            });
        }

        public void Reset() => Volatile.Write(ref _count, 0);

        public void Dispose() => _listener.Dispose();

        public (double P50, double P99) Percentiles()
        {
            var values = _milliseconds.AsSpan(0, Math.Min(_count, _milliseconds.Length)).ToArray();
            Array.Sort(values);
            return values.Length == 0 ? (0, 0) : (values[values.Length / 2], values[Math.Min(values.Length - 1, (int)(values.Length * 0.99))]);
        }
    }
}
