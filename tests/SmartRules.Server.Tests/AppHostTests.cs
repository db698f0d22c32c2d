using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SmartRules.Server.Tests;

/// <summary>The AppHost as an operator runs it: two silos on a given database, then SIGINT.</summary>
public sealed class AppHostTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Two_silos_come_up_healthy_share_state_and_SIGINT_leaves_no_process_behind()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SmartRules.sln"))) root = root.Parent!;
        var appHost = Path.Combine(root.FullName, "SmartRules.AppHost", "bin", configuration, "net10.0", "SmartRules.AppHost.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [appHost, "--silos", "2", "--port", "0", "--ConnectionStrings:SmartRules", _database.ConnectionString])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var siloPids = new List<int>();
        try
        {
            var ready = await ReadyLineAsync(process, TimeSpan.FromMinutes(2));
            var parts = ready.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var silos = parts.Skip(1).Where(p => p.Contains('|', StringComparison.Ordinal)).Select(p => p.Split('|')).ToArray();
            var adminKey = parts.Single(p => p.StartsWith("adminKey=", StringComparison.Ordinal))["adminKey=".Length..];
            siloPids.AddRange(silos.Select(s => int.Parse(s[1], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(2, silos.Length);

            using var http = new HttpClient();
            foreach (var silo in silos) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(silo[0] + "/health")).StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            var key = (await (await http.PostAsJsonAsync(silos[0][0] + "/admin/tenants", new { id = "smoke", name = "Smoke" })).Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Assert.Equal(HttpStatusCode.Created, (await http.PutAsJsonAsync(silos[0][0] + "/api/customers/c1", new { outstandingAmount = 42 })).StatusCode);
            var seen = await http.GetFromJsonAsync<JsonObject>(silos[1][0] + "/api/customers/c1");
            Assert.Equal(42m, seen!["outstandingAmount"]!.GetValue<decimal>());
        }
        finally
        {
            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await interrupt.WaitForExitAsync();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(exit.Token);
        }

        Assert.Equal(0, process.ExitCode);
        foreach (var pid in siloPids) Assert.False(IsRunning(pid), $"silo process {pid} is still running");
    }

    private static async Task<string> ReadyLineAsync(Process process, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var seen = new List<string>();
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.Add(line);
            if (line.StartsWith("SMARTRULES_READY", StringComparison.Ordinal)) return line;
        }

        throw new InvalidOperationException("the AppHost ended before it was ready: " + string.Join('\n', seen) + await process.StandardError.ReadToEndAsync());
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
