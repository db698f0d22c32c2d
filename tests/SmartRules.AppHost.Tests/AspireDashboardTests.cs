using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SmartRules.AppHost.Tests;

/// <summary>
/// The AppHost as an operator starts it (a process, with the Aspire dashboard, over plain HTTP), and the dashboard in
/// a real browser: Debian's Chromium driven by playwright-core (browser/aspire-dashboard.mjs). Screenshots go to the
/// test output folder, aspire-dashboard/.
/// </summary>
public sealed partial class AspireDashboardTests(ITestOutputHelper output)
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task The_dashboard_shows_the_resources_a_PUTs_trace_down_to_the_group_commit_batch_and_the_SmartRules_metrics_and_starts_the_demo_load()
    {
        var data = Directory.CreateTempSubdirectory("smartrules-apphost-dashboard-");
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SmartRules.sln"))) root = root.Parent!;
        var appHost = Path.Combine(root.FullName, "SmartRules.AppHost", "bin", configuration, "net10.0", "SmartRules.AppHost.dll");
        var start = new ProcessStartInfo("dotnet", [appHost, $"--SmartRules:Postgres:DataDirectory={Path.Combine(data.FullName, "pg")}", "--SmartRules:ApiPort=0", "--SmartRules:ConsolePort=0", $"--SmartRules:AdminKey={adminKey}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}",
                ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            },
        };
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add(e.Data); };
        process.BeginErrorReadLine();
        try
        {
            using var ready = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            string? login = null, api = null;
            while ((login is null || api is null) && await process.StandardOutput.ReadLineAsync(ready.Token) is { } line)
            {
                lock (lines) lines.Add(line);
                login ??= LoginUrl().Match(line) is { Success: true } l ? l.Value : null;
                api ??= ApiUrl().Match(line) is { Success: true } a ? a.Groups[1].Value : null;
            }

            Assert.True(login is not null && api is not null, "the AppHost did not print its URLs:\n" + string.Join('\n', lines));
            output.WriteLine($"dashboard {login}\nAPI {api}");
            _ = DrainAsync(process.StandardOutput, lines);

            using var http = new HttpClient { BaseAddress = new Uri(api!) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            using var tenant = await http.PostAsJsonAsync("/admin/tenants", new { id = "dashboard", name = "Dashboard" });
            Assert.Equal(HttpStatusCode.Created, tenant.StatusCode);
            var key = (await tenant.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
            using var put = new HttpRequestMessage(HttpMethod.Put, "/api/customers/c1") { Content = JsonContent.Create(new { outstandingAmount = 42 }) };
            put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            put.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01"); // a trace the browser can open by its id
            using (var response = await http.SendAsync(put)) Assert.Equal(HttpStatusCode.Created, response.StatusCode);

            var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "aspire-dashboard")).FullName;
            using var node = Process.Start(new ProcessStartInfo("node", ["aspire-dashboard.mjs", login!, TraceId, "2", screenshots])
            {
                WorkingDirectory = Path.Combine(AppContext.BaseDirectory, "browser"),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var steps = node.StandardOutput.ReadToEndAsync();
            var error = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();
            output.WriteLine(await steps);
            output.WriteLine("screenshots: " + string.Join(", ", Directory.GetFiles(screenshots, "*.png")));
            Assert.True(node.ExitCode == 0, $"the browser check failed ({node.ExitCode}): {await steps}{await error}");
            foreach (var name in new[] { "resources", "trace", "batch", "demo", "metrics" })
            {
                Assert.True(new FileInfo(Path.Combine(screenshots, name + ".png")).Length > 10_000, $"{name}.png is empty");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                using (var stop = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await stop.WaitForExitAsync();
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                await process.WaitForExitAsync(exit.Token);
            }

            try
            {
                data.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task DrainAsync(StreamReader reader, List<string> lines)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (lines) lines.Add(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"http://\S+/login\?t=[0-9a-f]+")]
    private static partial Regex LoginUrl();

    [GeneratedRegex(@"SmartRules API: (http://\S+) ")]
    private static partial Regex ApiUrl();
}
