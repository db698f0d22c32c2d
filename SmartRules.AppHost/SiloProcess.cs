using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SmartRules.AppHost;

/// <summary>One silo (SmartRules.Server) as a child process, wired the Aspire way: everything through environment variables.</summary>
internal sealed partial class SiloProcess : IDisposable
{
    private readonly Process _process;

    private SiloProcess(int number, string url, Process process)
    {
        Number = number;
        Url = url;
        _process = process;
    }

    public int Number { get; }

    public string Url { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public static SiloProcess Start(string serverDll, int number, int httpPort, int siloPort, int gatewayPort, string connectionString, string adminKey, string clusterId, string logFile)
    {
        var url = $"http://127.0.0.1:{httpPort}";
        var start = new ProcessStartInfo("dotnet", [serverDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
        };
        var env = start.Environment;
        env["ASPNETCORE_URLS"] = url;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["ConnectionStrings__SmartRules"] = connectionString;
        env["SmartRules__AdminKey"] = adminKey;
        env["Orleans__ClusterId"] = clusterId;
        env["Orleans__ServiceId"] = "smartrules";
        env["Orleans__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["Orleans__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["OTEL_SERVICE_NAME"] = "smartrules-silo";
        env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id=silo-{number}";
        env["Logging__LogLevel__Default"] = "Warning";
        // OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL pass through from the AppHost's own environment: set them once and
        // every silo reports to that collector or Aspire dashboard.
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a silo");
        var log = new StreamWriter(logFile, append: false) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(number, url, process);
    }

    /// <summary>SIGTERM first (the host shuts the silo down cleanly), then a kill of the whole tree if it lingers.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        _ = Terminate(_process.Id, 15);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Terminate(int pid, int signal);
}
