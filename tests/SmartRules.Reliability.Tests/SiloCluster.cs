using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Diagnostics.NETCore.Client;
using Npgsql;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// A real cluster: separate <c>SmartRules.Server</c> processes on loopback, or one in each of several hosts of the test's
/// own (<see cref="NetworkHosts"/>), with ADO.NET clustering on the given database,
/// each serving the API on its own port. Membership is tuned so that a killed silo is declared dead in a few seconds.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    public const string AdminKey = "reliability";

    private readonly List<Process> _processes = [];
    private readonly List<string> _urls = [];
    private readonly List<int> _siloPorts = [];
    private readonly List<StreamWriter> _logs = [];
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(5) };
    private string _connectionString = "";

    private SiloCluster()
    {
    }

    /// <summary>Where each silo's console output goes (silo-1.log, …): errors only, unless the settings say otherwise.</summary>
    public string LogFolder { get; private set; } = "";

    /// <summary>Every silo's API address, dead ones included.</summary>
    public IReadOnlyList<string> Urls => _urls;

    /// <summary>The API addresses of the silos not killed.</summary>
    public IReadOnlyList<string> LiveUrls => [.. _urls.Where((_, i) => !_processes[i].HasExited)];

    public IReadOnlyList<Process> Processes => _processes;

    /// <param name="hosts">Run one silo in each of these hosts (network namespaces), advertising the host's address, instead of all on loopback.</param>
    public static async Task<SiloCluster> StartAsync(string connectionString, int silos = 3, IReadOnlyDictionary<string, string>? settings = null, IReadOnlyList<NetworkHosts.Host>? hosts = null)
    {
        var cluster = new SiloCluster { _connectionString = connectionString };
        try
        {
            var server = ServerAssembly();
            var clusterId = "rel-" + Guid.NewGuid().ToString("N")[..6];
            cluster.LogFolder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "smartrules-reliability", clusterId)).FullName;
            if (hosts is not null) silos = hosts.Count;
            for (var i = 0; i < silos; i++)
            {
                var host = hosts?[i];
                var url = $"http://{host?.Address ?? "127.0.0.1"}:{Ports.Free()}";
                var siloPort = Ports.Free();
                var (file, arguments) = host is null ? ("dotnet", new[] { server }) : NetworkHosts.InHost(host, "dotnet", server);
                var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
                if (host is not null) start.Environment["Orleans__Endpoints__AdvertisedIPAddress"] = host.Address;
                start.Environment["ASPNETCORE_URLS"] = url;
                start.Environment["ConnectionStrings__SmartRules"] = SiloConnectionString(connectionString, i);
                start.Environment["SmartRules__AdminKey"] = AdminKey;
                start.Environment["Orleans__ClusterId"] = clusterId;
                start.Environment["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
                start.Environment["Orleans__GatewayPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture);
                start.Environment["Orleans__Membership__ProbeTimeout"] = "00:00:01";
                start.Environment["Orleans__Membership__NumMissedProbesLimit"] = "2";
                start.Environment["Orleans__Membership__NumVotesForDeathDeclaration"] = "1";
                start.Environment["Orleans__Messaging__ResponseTimeout"] = "00:00:05";
                start.Environment["SmartRules__Reminders__MinimumReminderPeriod"] = "00:00:01";
                start.Environment["SmartRules__Backfills__ReminderPeriod"] = "00:00:02";
                start.Environment["Logging__LogLevel__Default"] = "Error";
                // Why a request answered 503 (a warning) is what a failed scenario needs first.
                start.Environment["Logging__LogLevel__SmartRules.Server.Hosting.ErrorResponses"] = "Warning";
                start.Environment["SmartRules__Notifications__AllowPrivateWebhookAddresses"] = "true"; // the test's receiver is on loopback
                foreach (var (name, value) in settings ?? new Dictionary<string, string>()) start.Environment[name] = value;
                // SMARTRULES_SILO_ENV="NAME=value,…" reaches every silo: for experiments such as DOTNET_gcServer=0.
                foreach (var setting in (Environment.GetEnvironmentVariable("SMARTRULES_SILO_ENV") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = setting.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0) start.Environment[setting[..equals]] = setting[(equals + 1)..];
                }

                var process = Process.Start(start)!;
                var log = new StreamWriter(cluster.LogPath(i)) { AutoFlush = true };
                cluster._logs.Add(log);
                process.OutputDataReceived += (_, line) => Write(log, line.Data);
                process.ErrorDataReceived += (_, line) => Write(log, line.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                cluster._processes.Add(process);
                cluster._urls.Add(url);
                cluster._siloPorts.Add(siloPort);
            }

            await cluster.WaitHealthyAsync(TimeSpan.FromMinutes(2));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A silo's connection string: the test database's, naming the silo (<c>Application Name</c>, so that
    /// <see cref="SampleConnections"/> can count its connections) and without the test's own pool size, so that the silo
    /// sizes its pools as in production.
    /// </summary>
    private static string SiloConnectionString(string connectionString, int silo)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = SiloName(silo) };
        builder.Remove("Maximum Pool Size");
        return builder.ConnectionString;
    }

    private static string SiloName(int silo) => $"silo-{silo + 1}";

    /// <summary>Where a silo's console output goes.</summary>
    private string LogPath(int silo) => Path.Combine(LogFolder, $"{SiloName(silo)}.log");

    /// <summary>Counts, until disposed, the connections each silo holds to the database; <see cref="ConnectionSampler.Peaks"/>
    /// is the most seen per silo.</summary>
    public ConnectionSampler SampleConnections() => new(_connectionString, _urls.Count);

    public sealed class ConnectionSampler : IAsyncDisposable
    {
        private readonly string[] _names;
        private readonly int[] _peaks;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        internal ConnectionSampler(string connectionString, int silos)
        {
            _names = [.. Enumerable.Range(0, silos).Select(SiloName)];
            _peaks = new int[silos];
            _loop = Task.Run(() => SampleAsync(connectionString));
        }

        /// <summary>The most connections seen held by each silo at once (sampled every 200 ms).</summary>
        public IReadOnlyList<int> Peaks
        {
            get
            {
                lock (_peaks) return [.. _peaks];
            }
        }

        private async Task SampleAsync(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select application_name, count(*)::int from pg_stat_activity where datname = current_database() group by 1", connection);
            while (!_stop.IsCancellationRequested)
            {
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        var silo = Array.IndexOf(_names, reader.GetString(0));
                        if (silo < 0) continue; // the test's own connections, and other clients
                        lock (_peaks) _peaks[silo] = Math.Max(_peaks[silo], reader.GetInt32(1));
                    }
                }

                try
                {
                    await Task.Delay(200, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        /// <summary>Stops sampling; <see cref="Peaks"/> stays readable. Safe to call more than once.</summary>
        public async ValueTask DisposeAsync()
        {
            if (_stop.IsCancellationRequested) return;
            await _stop.CancelAsync();
            await _loop;
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
    }

    private static string ServerAssembly()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SmartRules.sln"))) root = root.Parent!;
        return Path.Combine(root.FullName, "src", "SmartRules.Server", "bin", configuration, "net10.0", "SmartRules.Server.dll");
    }

    public async Task WaitHealthyAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        foreach (var url in LiveUrls)
        {
            while (true)
            {
                try
                {
                    using var health = await _probe.GetAsync(url + "/health");
                    if (health.IsSuccessStatusCode) break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }

                if (clock.Elapsed > limit) throw new TimeoutException($"silo {url} was not healthy within {limit}");
                await Task.Delay(250);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster.</summary>
    public void Kill(int silo) => _processes[silo].Kill();

    /// <summary>The index of the silo whose Orleans endpoint is <paramref name="siloAddress"/> ("S127.0.0.1:port:epoch").</summary>
    public int IndexOf(string siloAddress) =>
        _siloPorts.FindIndex(port => siloAddress.Contains($":{port.ToString(CultureInfo.InvariantCulture)}:", StringComparison.Ordinal));

    /// <summary>Resident memory of a silo process, in bytes.</summary>
    public long ResidentBytes(int silo)
    {
        _processes[silo].Refresh();
        return _processes[silo].WorkingSet64;
    }

    /// <summary>Creates a tenant and answers an HTTP client that carries its key (relative addresses go to the first live silo).</summary>
    public async Task<HttpClient> TenantAsync(string tenantId, TimeSpan? timeout = null)
    {
        var http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(30), BaseAddress = new Uri(LiveUrls[0]) };
        using var request = new HttpRequestMessage(HttpMethod.Post, LiveUrls[0] + "/admin/tenants") { Content = JsonContent.Create(new { id = tenantId, name = tenantId }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var key = (await response.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>GET /admin/stats of one silo.</summary>
    public async Task<JsonObject?> StatsAsync(int silo)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _urls[silo] + "/admin/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        try
        {
            using var response = await _probe.SendAsync(request);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Has one silo run a full, blocking collection now and answers its managed heap after it (GET /admin/stats): what is
    /// live, not the garbage that ephemeral collections leave in gen 2 until the next full one. The collection is asked
    /// for the way dotnet-gcdump does, through an EventPipe session enabling the runtime's GC heap-collect keyword, so the
    /// silo needs no endpoint for it. <c>null</c> when the silo does not answer.
    /// </summary>
    public async Task<long?> LiveHeapBytesAsync(int silo)
    {
        const long gcKeyword = 0x1, gcHeapCollectKeyword = 0x800000;
        if ((await StatsAsync(silo))?["fullCollections"]?.GetValue<long>() is not { } before) return null;
        using var session = new DiagnosticsClient(_processes[silo].Id).StartEventPipeSession(
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, gcKeyword | gcHeapCollectKeyword), requestRundown: false);
        // The session's events are not needed, only read so that the runtime never waits on a full buffer.
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        try
        {
            for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(20);)
            {
                await Task.Delay(100);
                var after = await StatsAsync(silo);
                if (after?["fullCollections"]?.GetValue<long>() > before) return after["managedHeapBytes"]?.GetValue<long>();
            }

            return null;
        }
        finally
        {
            session.Stop();
            await drain; // the stream ends when the session stops
        }
    }

    /// <summary>
    /// The reasons the silos logged for the requests they answered 503 so far (one line each, without the stack), so a
    /// scenario can print why the cluster asked its client to retry.
    /// </summary>
    public IReadOnlyList<string> UnavailableReasons()
    {
        var reasons = new List<string>();
        for (var silo = 0; silo < _logs.Count; silo++)
        {
            using var reader = new StreamReader(new FileStream(LogPath(silo), FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains("answered 503", StringComparison.Ordinal)) reasons.Add($"silo {silo + 1}: {line.Trim()}");
            }
        }

        return reasons;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        foreach (var log in _logs)
        {
            lock (log) log.Dispose();
        }

        _probe.Dispose();
    }
}
