using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using SmartRules.Testing;

namespace SmartRules.LoadBench;

/// <summary>
/// Scale-out, measured: two tenants streaming at once (NDJSON over loopback HTTP, 4 streams each, the 20 rules of
/// <see cref="Workload"/>), with their customer data on one PostgreSQL server or on two (customer shards), served by one
/// silo or by two (each tenant's client talks to a silo of its own). Silos are real SmartRules.Server processes and each
/// shard is a PostgreSQL server of the benchmark's own, so that CPU time is counted per process: silos
/// (Process.TotalProcessorTime) and each PostgreSQL server (its postmaster and backends, /proc). The cluster database
/// is a database on the given server and is not counted (membership and tenant grains only).
/// Per configuration and phase: lines/s for both tenants together, and CPU microseconds per line for the silos, for
/// each shard, and in total — the cost of each layer, which stays comparable even where the machine has too few cores
/// for the wall-clock throughput to scale.
/// </summary>
internal static class ScaleOutBench
{
    private const int LinesPerRequest = 500;
    private const int StreamsPerTenant = 4;

    public static async Task RunAsync(string clusterConnectionString, int customers, int updates)
    {
        Console.WriteLine($"scale-out: 2 tenants x ({customers:N0} imports, then {updates:N0} light updates), {Environment.ProcessorCount} cores");
        var servers = await Task.WhenAll(Shard(), Shard());
        await using var shard1 = servers[0];
        await using var shard2 = servers[1];
        var rows = new List<string>();
        foreach (var (silos, shards) in new[] { (1, 1), (1, 2), (2, 1), (2, 2) })
        {
            rows.AddRange(await RunConfigurationAsync(clusterConnectionString, shard1, shard2, silos, shards, customers, updates));
        }

        Console.WriteLine();
        Console.WriteLine("| silos | shards | phase | lines/s (both tenants) | silo CPU µs/line | Shard1 PG µs/line | Shard2 PG µs/line | total CPU µs/line | CPU busy |");
        Console.WriteLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows) Console.WriteLine(row);
    }

    /// <summary>A PostgreSQL server of the bench's own, so that its CPU time is this bench's alone; room for two silos' pools.</summary>
    private static Task<ThrowawayPostgres> Shard() => ThrowawayPostgres.StartAsync(settings: "-c shared_buffers=256MB");

    /// <summary>The shard's connection string without the short timeouts tests use: a loaded shard is measured, not failed.</summary>
    private static string Durable(ThrowawayPostgres shard) => $"Host={shard.Host};Port={shard.Port};Username=smartrules;Database=postgres";

    private static async Task<List<string>> RunConfigurationAsync(string cluster, ThrowawayPostgres shard1, ThrowawayPostgres shard2, int siloCount, int shardCount, int customers, int updates)
    {
        Console.WriteLine($"== {siloCount} silo(s), {shardCount} shard(s)");
        var clusterId = "scale-" + Guid.NewGuid().ToString("N")[..8];
        var silos = new List<Silo>();
        try
        {
            for (var i = 0; i < siloCount; i++) silos.Add(Silo.Start(cluster, clusterId, shard1, shard2));
            foreach (var silo in silos) await silo.WaitHealthyAsync();
            await Task.Delay(TimeSpan.FromSeconds(2)); // the second silo joins the membership

            var suffix = clusterId[^6..];
            var tenantA = await CreateTenantAsync(silos[0], "a-" + suffix, "Shard1");
            var tenantB = await CreateTenantAsync(silos[^1], "b-" + suffix, shardCount == 2 ? "Shard2" : "Shard1");
            var workloads = new[] { new Workload(1), new Workload(2) };
            var results = new List<string>();
            foreach (var phase in new[] { "import", "light" })
            {
                var bodies = workloads.Select(w => WorkloadBench.Bodies(
                    phase == "import" ? Enumerable.Range(0, customers).Select(w.NewCustomer) : Enumerable.Range(0, updates).Select(_ => w.LightUpdate(customers)),
                    LinesPerRequest)).ToArray();
                var lines = 2 * (phase == "import" ? customers : updates);
                var siloCpu = silos.Sum(s => s.CpuTime().TotalMicroseconds);
                var (pg1, pg2) = (shard1.CpuTime().TotalMicroseconds, shard2.CpuTime().TotalMicroseconds);
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(StreamAsync(tenantA, bodies[0]), StreamAsync(tenantB, bodies[1]));
                var elapsed = clock.Elapsed.TotalSeconds;
                siloCpu = silos.Sum(s => s.CpuTime().TotalMicroseconds) - siloCpu;
                (pg1, pg2) = (shard1.CpuTime().TotalMicroseconds - pg1, shard2.CpuTime().TotalMicroseconds - pg2);
                var total = siloCpu + pg1 + pg2;
                var busy = total / 1e6 / (elapsed * Environment.ProcessorCount);
                var row = string.Create(CultureInfo.InvariantCulture,
                    $"| {siloCount} | {shardCount} | {phase} | {lines / elapsed:N0} | {siloCpu / lines:F0} | {pg1 / lines:F0} | {pg2 / lines:F0} | {total / lines:F0} | {busy:P0} |");
                Console.WriteLine(row);
                results.Add(row);
            }

            tenantA.Dispose();
            tenantB.Dispose();
            return results;
        }
        finally
        {
            foreach (var silo in silos) silo.Dispose();
        }
    }

    private static async Task<HttpClient> CreateTenantAsync(Silo silo, string id, string shard)
    {
        using var admin = silo.Client("bench-admin");
        var (_, key) = await TestServer.CreateTenantAsync(admin, shard, id);
        var client = silo.Client(key);
        await WorkloadBench.SetUpAsync(client);
        return client;
    }

    private static Task StreamAsync(HttpClient client, byte[][] bodies)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, StreamsPerTenant).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length) await WorkloadBench.PostAsync(client, bodies[i]);
        }));
    }

    /// <summary>A SmartRules.Server process (the build next to this benchmark), configured with both shards.</summary>
    private sealed class Silo : IDisposable
    {
        private readonly Process _process;
        private readonly int _port;

        private Silo(Process process, int port)
        {
            _process = process;
            _port = port;
        }

        public static Silo Start(string cluster, string clusterId, ThrowawayPostgres shard1, ThrowawayPostgres shard2)
        {
            var port = Ports.Free();
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SmartRules.Server.dll")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["ConnectionStrings__SmartRules"] = cluster;
            start.Environment["ConnectionStrings__Shard1"] = Durable(shard1);
            start.Environment["ConnectionStrings__Shard2"] = Durable(shard2);
            start.Environment["SmartRules__CustomerShards"] = "Shard1,Shard2";
            start.Environment["SmartRules__AdminKey"] = "bench-admin";
            start.Environment["Orleans__ClusterId"] = clusterId;
            start.Environment["Orleans__SiloPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture);
            start.Environment["Orleans__GatewayPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture);
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            var process = Process.Start(start)!;
            // Drained so that a full pipe never blocks the silo.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"[silo {port}] {e.Data}"); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new Silo(process, port);
        }

        public HttpClient Client(string key)
        {
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromMinutes(10) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        public async Task WaitHealthyAsync()
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (_process.HasExited) throw new InvalidOperationException($"silo on port {_port} exited with {_process.ExitCode}");
                try
                {
                    if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return;
                }
                catch (HttpRequestException)
                {
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"silo on port {_port} not healthy after 2 minutes");
                await Task.Delay(250);
            }
        }

        public TimeSpan CpuTime()
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
