using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains;
using SmartRules.LoadBench;
using SmartRules.Persistence.Schema;
using SmartRules.Server.Hosting;

// Durable customer updates per second through grains, in process, for three ways of storing customer state, all in
// one run so that the figures are comparable (ratios, not absolute numbers: the machine is shared):
//   (a) stock   - the stock Orleans ADO.NET provider, one WriteStateAsync per update, one transaction each
//   (b) group   - the project's group-commit store on the customers table
//   (c) memory  - Orleans in-memory storage (not durable: the ceiling of the grain work itself)
// Usage: dotnet run -c Release --project bench/SmartRules.LoadBench -- [--customers 100000] [--updates 200000]
//        [--inflight 500] [--rules 20] [--variants stock,group,memory]
var options = Args.Parse(args);
var server = Environment.GetEnvironmentVariable("SMARTRULES_TEST_PG") is { Length: > 0 } pg ? pg : "Host=127.0.0.1;Username=smartrules;Password=smartrules;Database=postgres";
string[] workloads = ["workloads", "import", "heavy", "light", "ingest"];
if (args.Contains("stringpool"))
{
    // The silo's string pool when full, beside a value it holds (no database): dotnet run -c Release --project bench/SmartRules.LoadBench -- stringpool
    StringPoolBench.Run();
    return 0;
}

if (args.Any(workloads.Contains) || args.Contains("lists") || args.Contains("backfill") || args.Contains("simulate") || args.Contains("scaleout") || args.Contains("statement") || args.Contains("grains"))
{
    // The real workloads beside the durable-write floor of the same run (import, heavy, light, paced):
    //   dotnet run -c Release --project bench/SmartRules.LoadBench -- workloads [--customers 100000] [--updates 200000] [--seed 1] [--warm-up 0]
    //   (--warm-up N: N customers imported and N heavy updates of them first, measured apart, so the phases run on a warm silo)
    //   (or one of: import | heavy (import, heavy, paced) | light (import, light))
    // Customer lists at 1M customers:                      dotnet run -c Release --project bench/SmartRules.LoadBench -- lists --customers 1000000
    // Backfills beside a set-based UPDATE:                 dotnet run -c Release --project bench/SmartRules.LoadBench -- backfill [--warm-up 0]
    // Simulate (advisor) at 1M customers:                  dotnet run -c Release --project bench/SmartRules.LoadBench -- simulate --customers 1000000
    // Scale-out (1 or 2 silos x 1 or 2 customer shards):   dotnet run -c Release --project bench/SmartRules.LoadBench -- scaleout [--customers 20000] [--updates 60000]
    // The grain floor alone, N rounds (Orleans' settings): dotnet run -c Release --project bench/SmartRules.LoadBench -- grains [--customers 100000] [--updates 200000] [--rounds 3]
    // The batch statement part by part (store only):       dotnet run -c Release --project bench/SmartRules.LoadBench -- statement [--customers 100000] [--updates 200000]
    var ingestDatabase = "smartrules_bench_ingest_" + Guid.NewGuid().ToString("N")[..6];
    await using (var admin = new NpgsqlConnection(server))
    {
        await admin.OpenAsync();
        await new NpgsqlCommand($"create database {ingestDatabase}", admin).ExecuteNonQueryAsync();
    }

    try
    {
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = ingestDatabase }.ConnectionString;
        if (args.Contains("grains")) await GrainFloor.RunAsync(connection, options.Customers, options.Updates, options.Seed, options.Rounds);
        else if (args.Contains("statement")) await StatementBench.RunAsync(connection, options.Customers, options.Updates);
        else if (args.Contains("scaleout")) await ScaleOutBench.RunAsync(connection, Args.Parse(args).Customers, Args.Parse(args).Updates);
        else if (args.Contains("backfill")) await BackfillBench.RunAsync(connection, Args.Parse(args).WarmUp);
        else if (args.Contains("lists")) await ListBench.RunAsync(connection, Args.Parse(args).Customers);
        else if (args.Contains("simulate")) await SimulateBench.RunAsync(connection, Args.Parse(args).Customers);
        else await WorkloadBench.RunAsync(connection, args.First(workloads.Contains), options.Customers, options.Updates, options.Seed, options.WarmUp);
    }
    finally
    {
        NpgsqlConnection.ClearAllPools();
        await DropAsync(server, ingestDatabase);
    }

    return 0;
}

Console.WriteLine($"customers {options.Customers:N0}, updates {options.Updates:N0}, in flight {options.InFlight}, active rules {options.Rules}, {Environment.ProcessorCount} cores");

var results = new List<Result>();
foreach (var variant in options.Variants)
{
    results.Add(await RunAsync(variant, server, options));
}

Console.WriteLine();
Console.WriteLine("| variant | creates/s | updates/s | p50 ms | p99 ms | ratio to stock | memory/customer grain |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
var stock = results.FirstOrDefault(r => r.Variant == "stock");
foreach (var r in results)
{
    var ratio = stock is null ? "-" : (r.UpdatesPerSecond / stock.UpdatesPerSecond).ToString("0.00", CultureInfo.InvariantCulture) + "x";
    Console.WriteLine($"| {r.Variant} | {r.CreatesPerSecond:N0} | {r.UpdatesPerSecond:N0} | {r.P50:0.0} | {r.P99:0.0} | {ratio} | {r.BytesPerGrain:N0} B |");
}

return 0;

static async Task<Result> RunAsync(string variant, string server, Args options)
{
    Console.WriteLine();
    Console.WriteLine($"== {variant}");
    var database = "smartrules_bench_" + variant + "_" + Guid.NewGuid().ToString("N")[..6];
    await using (var admin = new NpgsqlConnection(server))
    {
        await admin.OpenAsync();
        await new NpgsqlCommand($"create database {database}", admin).ExecuteNonQueryAsync();
    }

    var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    try
    {
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await new SchemaMigrator(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        }

        var host = BuildSilo(variant, connectionString);
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            const string tenant = "bench";
            await SetUpTenantAsync(grains, tenant, options.Rules);

            var before = Measure.Memory();
            var (creates, _) = await DriveAsync(options.Customers, options.InFlight, i => Create(grains, tenant, i));
            var bytesPerGrain = (Measure.Memory() - before) / options.Customers;
            Console.WriteLine($"created {options.Customers:N0} customers: {creates:N0}/s, {bytesPerGrain:N0} B per active customer grain");

            var random = new Random(42);
            var targets = Enumerable.Range(0, options.Updates).Select(_ => random.Next(options.Customers)).ToArray();
            var amounts = Enumerable.Range(0, options.Updates).Select(_ => (decimal)random.Next(0, 10_000)).ToArray();
            var (updates, latencies) = await DriveAsync(options.Updates, options.InFlight, i =>
                grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, $"c{targets[i]}"))
                      .ApplyAsync(new CustomerUpdateCommand { OutstandingAmount = Patch.Set(amounts[i]) }));
            Array.Sort(latencies);
            var result = new Result(variant, creates, updates, Measure.Percentile(latencies, 0.50), Measure.Percentile(latencies, 0.99), bytesPerGrain);
            Console.WriteLine($"{options.Updates:N0} updates: {updates:N0}/s, p50 {result.P50:0.0} ms, p99 {result.P99:0.0} ms");
            return result;
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
    finally
    {
        NpgsqlConnection.ClearAllPools();
        await DropAsync(server, database);
    }
}

// Ending an autovacuum worker needs pg_signal_backend: wait for it and retry, and at worst leave the database.
static async Task DropAsync(string server, string database)
{
    await using var admin = new NpgsqlConnection(server);
    await admin.OpenAsync();
    for (var attempt = 1; attempt <= 20; attempt++)
    {
        try
        {
            await new NpgsqlCommand($"drop database if exists {database} with (force)", admin).ExecuteNonQueryAsync();
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            await Task.Delay(500);
        }
    }

    Console.WriteLine($"could not drop {database}; drop it by hand");
}

static IHost BuildSilo(string variant, string connectionString)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Logging.SetMinimumLevel(LogLevel.Warning).AddConsole();
    builder.UseOrleans(silo =>
    {
        silo.UseLocalhostClustering();
        silo.Configure<ClusterOptions>(o => o.ClusterId = o.ServiceId = "bench");
        silo.AddSmartRules(connectionString, new ConfigurationBuilder().AddEnvironmentVariables().Build());
        switch (variant)
        {
            case "stock":
                silo.AddAdoNetGrainStorage(GrainStorageNames.Customers, o =>
                {
                    o.Invariant = SmartRulesDatabase.Invariant;
                    o.ConnectionString = SmartRulesDatabase.Tune(connectionString);
                    o.GrainStorageSerializer = new JsonCustomerStateSerializer();
                });
                break;
            case "memory":
                silo.AddMemoryGrainStorage(GrainStorageNames.Customers, o => o.GrainStorageSerializer = new JsonCustomerStateSerializer());
                break;
            case "group":
                break;
            default:
                throw new ArgumentException($"unknown variant '{variant}' (stock, group, memory)");
        }
    });
    return builder.Build();
}

static async Task SetUpTenantAsync(IGrainFactory grains, string tenant, int ruleCount)
{
    var tenantGrain = grains.GetGrain<ITenantGrain>(TenantKey.Of(tenant));
    await tenantGrain.CreateAsync("Bench", "00");
    await tenantGrain.PutUserAsync(new DirectoryUser("ann@acme.test", "Ann"));
    await tenantGrain.PutUserAsync(new DirectoryUser("bob@acme.test", "Bob"));
    await tenantGrain.PutWorkflowAsync(new DirectoryWorkflow("collections", "Collections"));
    await tenantGrain.PutWorkflowAsync(new DirectoryWorkflow("legal", "Legal"));
    var rules = grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant));
    for (var i = 0; i < ruleCount; i++)
    {
        RuleDefinitionDto rule = (i % 4) switch
        {
            // Rule 0 fires whenever a balance crosses 5,000 upwards: a realistic share of updates fire.
            0 when i == 0 => new("big", new("outstandingAmountThreshold", "exceeds", new(RuleValueKind.Number, 5000)), [], new("assignWorkflow") { WorkflowId = "collections" }),
            0 => new($"t{i}", new("outstandingAmountThreshold", "exceeds", new(RuleValueKind.Number, 20_000 + i)), [], new("assignWorkflow") { WorkflowId = "legal" }),
            1 => new($"u{i}", new("customerCreatedOrUpdated"), [new("customFields.Segment", "contains", new(RuleValueKind.Text, Text: "B2C"))], new("assignUsers") { FromCustomFields = ["CSM email"] }),
            2 => new($"r{i}", new("ratingThreshold", "fallsBelow", new(RuleValueKind.Text, Text: "C")), [], new("assignPaymentMethods") { Methods = ["card"] }),
            _ => new($"d{i}", new("averagePaymentDelayThreshold", "exceeds", new(RuleValueKind.Number, 90)), [new("rating", "atMost", new(RuleValueKind.Text, Text: "C"))], new("exclude")),
        };
        var created = await rules.CreateAsync(rule, active: true);
        if (created.Status != RuleChangeStatus.Ok) throw new InvalidOperationException(string.Join("; ", created.Problems));
    }
}

static Task<CustomerUpdateResult> Create(IGrainFactory grains, string tenant, int i) =>
    grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, $"c{i}")).ApplyAsync(new CustomerUpdateCommand
    {
        Name = Patch.Set<string?>($"Customer {i}"),
        OutstandingAmount = Patch.Set((decimal)(i % 4000)),
        Rating = Patch.Set<string?>("B"),
        AveragePaymentDelayDays = Patch.Set<decimal?>(12),
        CustomFields = new Dictionary<string, string?>
        {
            ["Segment"] = "B2B", ["Region"] = "EU", ["Plan"] = "Basic", ["CSM email"] = "ann@acme.test", ["Tier"] = "2",
        },
        AssignedUsers = ["ann@acme.test", "bob@acme.test"],
    });

static async Task<(double PerSecond, double[] LatenciesMs)> DriveAsync(int count, int inFlight, Func<int, Task<CustomerUpdateResult>> call)
{
    var latencies = new double[count];
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
    {
        await Task.Yield();
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await call(i);
            if (result.Status is CustomerUpdateStatus.Invalid) throw new InvalidOperationException(string.Join("; ", result.Problems));
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }));
    return (count / clock.Elapsed.TotalSeconds, latencies);
}

internal sealed record Result(string Variant, double CreatesPerSecond, double UpdatesPerSecond, double P50, double P99, long BytesPerGrain);

internal sealed record Args(int Customers, int Updates, int InFlight, int Rules, string[] Variants, int Seed, int WarmUp, int Rounds)
{
    public static Args Parse(string[] args)
    {
        string? Get(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Args(Int("customers", 100_000), Int("updates", 200_000), Int("inflight", 500), Int("rules", 20),
            (Get("variants") ?? "stock,group,memory").Split(',', StringSplitOptions.RemoveEmptyEntries), Int("seed", 1), Int("warm-up", 0), Int("rounds", 3));
    }
}
