using System.Diagnostics;

namespace SmartRules.Testing;

/// <summary>
/// A PostgreSQL server of a test's own (initdb in a temporary folder, a free port), which the test may stop and start
/// without disturbing the shared server every other test uses. initdb refuses root, so as root it runs as postgres.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;

    private readonly string _listen;

    private ThrowawayPostgres(string bin, string data, int port, string listen)
    {
        _bin = bin;
        _data = data;
        Port = port;
        _listen = listen;
        Host = listen.Split(',')[^1];
    }

    public int Port { get; }

    /// <summary>The address the connection string names: loopback, or the extra address it was told to listen on.</summary>
    public string Host { get; }

    public string ConnectionString => $"Host={Host};Port={Port};Username=smartrules;Database=postgres;Timeout=3;Command Timeout=10";

    private static bool IsRoot => Environment.UserName == "root";

    /// <param name="address">An address to listen on besides loopback (a bridge of the test's own), trusting clients of its /24.</param>
    public static async Task<ThrowawayPostgres> StartAsync(string? address = null)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "bin")).First(d => File.Exists(Path.Combine(d, "initdb")));
        var data = Path.Combine(Path.GetTempPath(), "smartrules-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        if (IsRoot) await RunAsync("chown", $"postgres:postgres {data}");
        var postgres = new ThrowawayPostgres(bin, data, Ports.Free(), address is null ? "127.0.0.1" : "127.0.0.1," + address);
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
        PgAsync("pg_ctl", $"-D {_data} -l {_data}/server.log -o \"-p {Port} -k /tmp -c listen_addresses={_listen} -c max_connections=300\" -w start");

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
