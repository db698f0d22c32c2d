using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SmartRules.LoadBench;

/// <summary>
/// A PostgreSQL server of the benchmark's own (initdb in a temporary folder, a free port; as root it runs as postgres),
/// so that its CPU time is this benchmark's alone: the sum over its postmaster and every backend, read from /proc.
/// </summary>
internal sealed class LocalPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;

    private LocalPostgres(string bin, string data, int port)
    {
        _bin = bin;
        _data = data;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=smartrules;Database=postgres";

    public static async Task<LocalPostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "bin")).First(d => File.Exists(Path.Combine(d, "initdb")));
        var data = Path.Combine(Path.GetTempPath(), "smartrules-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        if (Environment.UserName == "root") await RunAsync("chown", $"postgres:postgres {data}");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var postgres = new LocalPostgres(bin, data, port);
        await postgres.PgAsync("initdb", $"-D {data} -U smartrules --auth=trust -E UTF8 --locale=C.UTF-8");
        // Durable commits as in production (fsync and synchronous_commit stay on); room for two silos' pools.
        await postgres.PgAsync("pg_ctl", $"-D {data} -l {data}/server.log -o \"-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB\" -w start");
        return postgres;
    }

    /// <summary>CPU time of the whole server so far: the postmaster (with the backends it has reaped) and its live children.</summary>
    public TimeSpan CpuTime()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid != postmaster && parent != postmaster) continue;
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
            if (pid == postmaster) ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture); // reaped children
        }

        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", $"-D {_data} -m fast -w stop");
        }
        finally
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private Task PgAsync(string tool, string arguments) =>
        Environment.UserName == "root" ? RunAsync("runuser", $"-u postgres -- {_bin}/{tool} {arguments}") : RunAsync($"{_bin}/{tool}", arguments);

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"{file} {arguments}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed: {await error}{await output}");
    }
}
