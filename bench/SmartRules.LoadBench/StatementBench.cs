using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SmartRules.Domain.Customers;
using SmartRules.Persistence.Customers;
using SmartRules.Persistence.Notifications;
using SmartRules.Persistence.Schema;

namespace SmartRules.LoadBench;

/// <summary>
/// The group commit's batch statement, part by part (docs/benchmarks.md, "PostgreSQL's part of a heavy line"): heavy
/// updates written straight through the customer store (<see cref="CustomerWriteBatcher"/>, one loop, no grains, no
/// HTTP) with and without their change rows and outbox rows, the four variants alternating in rounds, each printed as
/// time per <see cref="BatchSize"/> writes and PostgreSQL's CPU a line. What the customer row costs, and what each kind of extra row adds to it.
/// </summary>
internal static class StatementBench
{
    private const int BatchSize = 500;
    private const int BatchesPerRound = 20;

    private sealed record Variant(string Name, bool Changes, bool Outbox)
    {
        public int Batches;
        public double Seconds;
        public TimeSpan DatabaseCpu;
    }

    public static async Task RunAsync(string connectionString, int customers, int updates)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var options = Options.Create(new CustomerStoreOptions { ConcurrentBatches = 1, MaxBatchSize = BatchSize });
        await using var database = new CustomerDatabase(CustomerDatabase.ClusterDatabaseName, dataSource, new StringPool(), options, NullLoggerFactory.Instance);
        var sizes = new List<int>();
        database.Writes.BatchCompleted += (size, _) => sizes.Add(size);

        // Every customer created first, with a change row each (as an import writes them).
        var versions = new long[customers];
        for (var start = 0; start < customers; start += BatchSize)
        {
            var ids = Enumerable.Range(start, Math.Min(BatchSize, customers - start)).ToArray();
            await WriteAsync(database, versions, ids, changes: true, outbox: false, seed: 0);
        }

        Variant[] variants = [new("customer rows only", false, false), new("+ change rows", true, false), new("+ outbox rows", false, true), new("all (as written)", true, true)];
        var random = new Random(1);
        var rounds = Math.Max(1, updates / (BatchSize * BatchesPerRound * variants.Length));
        sizes.Clear();
        Console.WriteLine($"statement: {customers:N0} customers, {rounds} rounds of {BatchesPerRound} batches of {BatchSize} heavy updates per variant, variants alternating");
        for (var round = 0; round < rounds; round++)
        {
            foreach (var variant in variants)
            {
                var cpu = DatabaseCpu.Read();
                var clock = Stopwatch.StartNew();
                for (var b = 0; b < BatchesPerRound; b++)
                {
                    var ids = Distinct(random, customers, BatchSize);
                    await WriteAsync(database, versions, ids, variant.Changes, variant.Outbox, seed: round * 1_000 + b);
                }

                variant.Seconds += clock.Elapsed.TotalSeconds;
                variant.Batches += BatchesPerRound;
                if (cpu is { } before && DatabaseCpu.Read() is { } after) variant.DatabaseCpu += after - before;
            }
        }

        Console.WriteLine($"batches of {sizes.Average():0} writes on average (the store's one loop takes what has queued, up to {BatchSize})");
        Console.WriteLine($"| statement with | ms per {BatchSize} writes | PostgreSQL CPU a line |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var v in variants)
        {
            var lines = v.Batches * BatchSize;
            var cpu = v.DatabaseCpu > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{v.DatabaseCpu.TotalMicroseconds / lines:0.0} µs") : "unknown";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {v.Name} | {v.Seconds * 1000 / v.Batches:0.00} | {cpu} |"));
        }
    }

    private static int[] Distinct(Random random, int customers, int count)
    {
        var picked = new HashSet<int>(count);
        while (picked.Count < count) picked.Add(random.Next(customers));
        return [.. picked];
    }

    /// <summary>One write per customer, all queued at once so that they share a batch; a heavy line's shape: amounts,
    /// rating and delay changed, an audit change of ~700 bytes, and for 7 in 10 an in-app notification.</summary>
    private static async Task WriteAsync(CustomerDatabase database, long[] versions, int[] ids, bool changes, bool outbox, int seed)
    {
        var at = DateTimeOffset.UtcNow;
        var writes = new Task<bool>[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var n = ids[i];
            var id = "c" + n.ToString(CultureInfo.InvariantCulture);
            var expected = versions[n];
            var customer = new CustomerSnapshot
            {
                Id = id,
                Name = "Customer " + id,
                OutstandingAmount = 1_000 + ((n + seed) % 9_000),
                DueAmount = 500,
                OverdueAmount = (n * 7 + seed) % 4_000,
                Rating = (Rating)(1 + ((n + seed) % 4)),
                AveragePaymentDelayDays = (n + seed) % 60,
            };
            var audit = changes || expected == 0 ? new AuditChange(at, Entries(id, seed)) : null;
            IReadOnlyList<OutboxMessage> messages = outbox && (n + seed) % 10 < 7
                ? [new OutboxMessage(NotificationId(n, expected + 1), "bench", id, "rule-" + (seed % 5).ToString(CultureInfo.InvariantCulture), 1, "inApp", "ann@acme.test", null, $"Customer {id} owes {customer.OutstandingAmount}", at)]
                : [];
            writes[i] = database.Writes.WriteAsync(new CustomerWrite("bench", id, expected, customer, null, [], audit, messages, at));
        }

        var written = await Task.WhenAll(writes);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!written[i]) throw new InvalidOperationException($"customer c{ids[i]} was not written at version {versions[ids[i]] + 1}");
            versions[ids[i]]++;
        }
    }

    private static Guid NotificationId(int customer, long version)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, (long)customer);
        BitConverter.TryWriteBytes(bytes[8..], version);
        return new Guid(bytes);
    }

    /// <summary>An audit change of the size a heavy line writes (~700 bytes: the update and three rules, before and after).</summary>
    private static byte[] Entries(string id, int seed)
    {
        var amount = seed.ToString(CultureInfo.InvariantCulture);
        var json = new StringBuilder("[");
        json.Append("{\"kind\":\"update\",\"before\":{\"outstandingAmount\":").Append(amount)
            .Append(",\"overdueAmount\":12,\"rating\":\"B\",\"averagePaymentDelayDays\":3},\"after\":{\"outstandingAmount\":").Append(amount)
            .Append(".5,\"overdueAmount\":14,\"rating\":\"C\",\"averagePaymentDelayDays\":5}}");
        for (var r = 0; r < 3; r++)
        {
            json.Append(",{\"kind\":\"ruleFired\",\"ruleId\":\"rule-").Append(r)
                .Append("\",\"ruleVersion\":1,\"trigger\":\"ratingThreshold\",\"before\":{\"assignedUsers\":[]},\"after\":{\"assignedUsers\":[\"ann@acme.test\"]},\"note\":\"")
                .Append(id).Append("\"}");
        }

        return Encoding.UTF8.GetBytes(json.Append(']').ToString());
    }
}
