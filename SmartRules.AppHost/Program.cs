using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SmartRules.AppHost;
using Spectre.Console;

// SmartRules.AppHost starts the whole system locally, in the .NET Aspire conventions without Aspire.Hosting (not
// served by the package registry this project builds from): PostgreSQL (the given ConnectionStrings:SmartRules, or a
// local server of its own), N silos each serving the API on its own port, wired through environment variables, and
// a live status table. Ctrl+C (or SIGTERM) stops everything it started.
//   dotnet run --project SmartRules.AppHost [-- --silos 2] [--demo] [--ConnectionStrings:SmartRules "<npgsql>"]
var options = Options.Parse(args);
using var stop = new CancellationTokenSource();
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
void Say(string text) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

var serverDll = FindServer();
var logs = Directory.CreateTempSubdirectory("smartrules-apphost-").FullName;
LocalPostgres? postgres = null;
var silos = new List<SiloProcess>();
var exitCode = 0;
try
{
    var connectionString = options.ConnectionString;
    if (connectionString is null)
    {
        postgres = await LocalPostgres.StartAsync(Say);
        connectionString = postgres.ConnectionString;
        Say($"PostgreSQL on 127.0.0.1:{postgres.Port}");
    }

    var adminKey = options.AdminKey ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    var clusterId = "apphost-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    for (var i = 0; i < options.Silos; i++)
    {
        silos.Add(SiloProcess.Start(serverDll, i + 1, Port(options.BasePort + i), Port(11111 + i), Port(30000 + i), connectionString, adminKey, clusterId, Path.Combine(logs, $"silo-{i + 1}.log")));
    }

    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
    await WaitHealthyAsync(http, silos, stop.Token);

    var first = silos[0].Url;
    var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
    table.AddRow("API", string.Join("  ", silos.Select(s => s.Url)));
    table.AddRow("OpenAPI", $"{first}/openapi/v1.json   reference: {first}/reference");
    table.AddRow("Dashboard", $"{first}/dashboard   (any user name, the admin key as password)");
    table.AddRow("Admin key", adminKey);
    table.AddRow("Health", $"{first}/health   {first}/alive");
    table.AddRow("Logs", logs);
    table.AddRow("Telemetry", Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } otlp ? $"OTLP to {otlp}" : "set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. an Aspire dashboard) to export");
    AnsiConsole.Write(new Panel(table).Header($"SmartRules: {silos.Count} silo(s) up").Expand());
    AnsiConsole.MarkupLine("[grey]Ctrl+C stops everything.[/]");
    Console.WriteLine($"SMARTRULES_READY {string.Join(' ', silos.Select(s => $"{s.Url}|{s.ProcessId}"))} adminKey={adminKey}");

    var demo = options.Demo ? Demo.RunAsync(http, silos.Select(s => s.Url).ToArray(), adminKey, Say, stop.Token) : Task.CompletedTask;
    await StatusAsync(http, silos, adminKey, stop.Token);
    await demo.ContinueWith(_ => { }, TaskScheduler.Default);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}
catch (Exception e)
{
    AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
    exitCode = 1;
}
finally
{
    Say("stopping …");
    await Task.WhenAll(silos.Select(s => s.StopAsync(TimeSpan.FromSeconds(20))));
    foreach (var silo in silos) silo.Dispose();
    if (postgres is not null) await postgres.DisposeAsync();
    Say("stopped.");
}

return exitCode;

static async Task WaitHealthyAsync(HttpClient http, List<SiloProcess> silos, CancellationToken cancellationToken)
{
    var clock = Stopwatch.StartNew();
    foreach (var silo in silos)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (silo.HasExited) throw new InvalidOperationException($"silo {silo.Number} exited; see its log");
            try
            {
                if ((await http.GetAsync(silo.Url + "/health", cancellationToken)).IsSuccessStatusCode) break;
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException("the silos did not become healthy within 3 minutes");
            await Task.Delay(500, cancellationToken);
        }
    }
}

static async Task StatusAsync(HttpClient http, List<SiloProcess> silos, string adminKey, CancellationToken cancellationToken)
{
    var previous = new long[silos.Count];
    var clock = Stopwatch.StartNew();
    async Task<Table> SnapshotAsync()
    {
        var elapsed = Math.Max(0.001, clock.Elapsed.TotalSeconds);
        clock.Restart();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("silo", "url", "health", "updates/s", "active customers");
        for (var i = 0; i < silos.Count; i++)
        {
            string health, rate = "-", customers = "-";
            try
            {
                health = (await http.GetAsync(silos[i].Url + "/health", cancellationToken)).IsSuccessStatusCode ? "[green]healthy[/]" : "[red]unhealthy[/]";
                using var request = new HttpRequestMessage(HttpMethod.Get, silos[i].Url + "/admin/stats");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
                var stats = await (await http.SendAsync(request, cancellationToken)).Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
                var applied = stats!["updatesApplied"]!.GetValue<long>();
                rate = ((applied - previous[i]) / elapsed).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
                previous[i] = applied;
                customers = stats["activeCustomers"]!.GetValue<int>().ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                health = silos[i].HasExited ? "[red]exited[/]" : "[yellow]not answering[/]";
            }

            table.AddRow(silos[i].Number.ToString(System.Globalization.CultureInfo.InvariantCulture), silos[i].Url, health, rate, customers);
        }

        return table;
    }

    if (AnsiConsole.Profile.Capabilities.Interactive)
    {
        await AnsiConsole.Live(await SnapshotAsync()).StartAsync(async live =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(1000, cancellationToken);
                live.UpdateTarget(await SnapshotAsync());
            }
        });
    }
    else
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(5000, cancellationToken);
            AnsiConsole.Write(await SnapshotAsync());
        }
    }
}

static string FindServer()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmartRules.sln"))) dir = dir.Parent;
    if (dir is null) throw new InvalidOperationException("run the AppHost from the SmartRules repository (dotnet run --project SmartRules.AppHost)");
    var dll = Path.Combine(dir.FullName, "src", "SmartRules.Server", "bin", configuration, "net10.0", "SmartRules.Server.dll");
    return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution first");
}

/// <summary>The preferred port when it is free, else any free one (a base port of 0 asks for free ones).</summary>
static int Port(int preferred)
{
    try
    {
        if (preferred < 1024) throw new SocketException();
        using var probe = new TcpListener(IPAddress.Loopback, preferred);
        probe.Start();
        return preferred;
    }
    catch (SocketException)
    {
        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }
}

internal sealed record Options(int Silos, bool Demo, string? ConnectionString, string? AdminKey, int BasePort)
{
    public static Options Parse(string[] args)
    {
        string? Value(params string[] names)
        {
            for (var i = 0; i < args.Length; i++)
            {
                foreach (var name in names)
                {
                    if (args[i] == name && i + 1 < args.Length) return args[i + 1];
                    if (args[i].StartsWith(name + "=", StringComparison.Ordinal)) return args[i][(name.Length + 1)..];
                }
            }

            return null;
        }

        return new Options(
            int.Parse(Value("--silos") ?? "2", System.Globalization.CultureInfo.InvariantCulture),
            args.Contains("--demo"),
            Value("--ConnectionStrings:SmartRules") ?? Environment.GetEnvironmentVariable("ConnectionStrings__SmartRules"),
            Value("--admin-key") ?? Environment.GetEnvironmentVariable("SmartRules__AdminKey"),
            int.Parse(Value("--port") ?? "5080", System.Globalization.CultureInfo.InvariantCulture));
    }
}
