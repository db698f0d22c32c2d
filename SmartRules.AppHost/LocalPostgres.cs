using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SmartRules.AppHost;

/// <summary>
/// A PostgreSQL server of the AppHost's own, from the machine's installation (installed with apt when missing and
/// the AppHost runs as root), its data in a per-user folder, on a free loopback port; stopped with the AppHost.
/// </summary>
internal sealed class LocalPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;
    private readonly bool _asPostgres;

    private LocalPostgres(string bin, string data, int port, bool asPostgres)
    {
        _bin = bin;
        _data = data;
        Port = port;
        _asPostgres = asPostgres;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=smartrules;Database=smartrules;Maximum Pool Size=24";

    private static bool IsRoot => Environment.UserName == "root";

    public static async Task<LocalPostgres> StartAsync(Action<string> say)
    {
        var bin = FindBinaries();
        if (bin is null)
        {
            if (!IsRoot) throw new InvalidOperationException("PostgreSQL is not installed. Install it (sudo apt-get install -y postgresql) or pass --ConnectionStrings:SmartRules=...");
            say("installing PostgreSQL with apt-get …");
            await RunAsync("apt-get", "update -qq");
            await RunAsync("apt-get", "install -y -qq postgresql");
            bin = FindBinaries() ?? throw new InvalidOperationException("apt-get installed no PostgreSQL binaries.");
        }

        // initdb refuses root: as root the cluster belongs to the postgres user, in a folder it can reach.
        var data = IsRoot
            ? "/var/lib/smartrules-apphost/pg"
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_DATA_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"), "smartrules", "pg");
        var postgres = new LocalPostgres(bin, data, FreePort(), IsRoot);
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            Directory.CreateDirectory(data);
            if (IsRoot) await RunAsync("chown", $"-R postgres:postgres {Path.GetDirectoryName(data)}");
            say($"creating a PostgreSQL cluster in {data} …");
            await postgres.PgAsync("initdb", $"-D {data} -U smartrules --auth=trust -E UTF8 --locale=C.UTF-8");
        }

        await postgres.PgAsync("pg_ctl", $"-D {data} -l {data}/server.log -o \"-p {postgres.Port} -k /tmp -c listen_addresses=127.0.0.1\" -w start");
        try
        {
            await postgres.PgAsync("createdb", $"-h 127.0.0.1 -p {postgres.Port} -U smartrules smartrules");
        }
        catch (InvalidOperationException e) when (e.Message.Contains("already exists", StringComparison.Ordinal))
        {
        }

        return postgres;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", $"-D {_data} -m fast -w stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
    }

    private Task PgAsync(string tool, string arguments) =>
        _asPostgres ? RunAsync("runuser", $"-u postgres -- {_bin}/{tool} {arguments}") : RunAsync($"{_bin}/{tool}", arguments);

    private static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"{file} {arguments}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment = { ["DEBIAN_FRONTEND"] = "noninteractive" },
        })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await error}{await output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
