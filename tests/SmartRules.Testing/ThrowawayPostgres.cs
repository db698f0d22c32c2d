using System.Diagnostics;
using System.Globalization;

namespace SmartRules.Testing;

/// <summary>
/// A PostgreSQL server of a test's own (initdb in a temporary folder, a free port), which the test may stop and start
/// without disturbing the shared server every other test uses. initdb refuses root, so as root it runs as postgres.
/// Benchmarks use it too, for a server whose CPU time is theirs alone (<see cref="CpuTime"/>).
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;

    private readonly string _listen;
    private readonly string _settings;

    private ThrowawayPostgres(string bin, string data, int port, string listen, string settings)
    {
        _bin = bin;
        _data = data;
        Port = port;
        _listen = listen;
        _settings = settings;
        Host = listen.Split(',')[^1];
    }

    public int Port { get; }

    /// <summary>The address the connection string names: loopback, or the extra address it was told to listen on.</summary>
    public string Host { get; }

    public string ConnectionString => $"Host={Host};Port={Port};Username=smartrules;Database=postgres;Timeout=3;Command Timeout=10";

    private static bool IsRoot => Environment.UserName == "root";

    /// <param name="address">An address to listen on besides loopback (a bridge of the test's own), trusting clients of its /24.</param>
    /// <param name="settings">More server settings, as <c>-c name=value</c> options (for example a benchmark's shared_buffers).</param>
    public static async Task<ThrowawayPostgres> StartAsync(string? address = null, string settings = "")
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "bin")).First(d => File.Exists(Path.Combine(d, "initdb")));
        var data = Path.Combine(Path.GetTempPath(), "smartrules-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        if (IsRoot) await RunAsync("chown", $"postgres:postgres {data}");
        var postgres = new ThrowawayPostgres(bin, data, Ports.Free(), address is null ? "127.0.0.1" : "127.0.0.1," + address, settings);
        await postgres.PgAsync("initdb", $"-D {data} -U smartrules --auth=trust -E UTF8 --locale=C.UTF-8");
        if (address is not null)
        {
            var network = address[..address.LastIndexOf('.')] + ".0/24";
            await File.AppendAllTextAsync(Path.Combine(data, "pg_hba.conf"), $"host all all {network} trust\n");
        }
        await postgres.StartServerAsync();
        return postgres;
    }

    public Task StartServerAsync() =>
        PgAsync("pg_ctl", $"-D {_data} -l {_data}/server.log -o \"-p {Port} -k /tmp -c listen_addresses={_listen} -c max_connections=300 {_settings}\" -w start");

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
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // ended meanwhile, or not ours to read
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

    public Task StopServerAsync() => PgAsync("pg_ctl", $"-D {_data} -m fast -w stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        catch (InvalidOperationException)
        {
        }

        Directory.Delete(_data, recursive: true);
    }

    private Task PgAsync(string tool, string arguments) =>
        IsRoot ? RunAsync("runuser", $"-u postgres -- {_bin}/{tool} {arguments}") : RunAsync($"{_bin}/{tool}", arguments);

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"{file} {arguments}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed: {await error}{await output}");
    }
}
