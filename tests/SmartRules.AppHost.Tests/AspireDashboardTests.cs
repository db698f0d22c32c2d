using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SmartRules.Testing;
using Xunit.Abstractions;

namespace SmartRules.AppHost.Tests;

/// <summary>
/// The AppHost as an operator starts it (a process, with the Aspire dashboard, over plain HTTP), and the dashboard in
/// a real browser: Debian's Chromium driven by Playwright for .NET, the suite's one browser stack. Screenshots go to
/// the test output folder, aspire-dashboard/.
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
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Ports.Free()}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{Ports.Free()}",
                ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{Ports.Free()}",
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
            try
            {
                await WalkTheDashboardAsync(login!, screenshots, replicas: 2);
            }
            finally
            {
                output.WriteLine("screenshots: " + string.Join(", ", Directory.GetFiles(screenshots, "*.png")));
            }

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

    /// <summary>
    /// Walks the dashboard in Debian's Chromium (Playwright for .NET; it cannot download browsers here) and saves a
    /// screenshot of each step: resources.png (PostgreSQL and every silo replica Running), trace.png (the PUT's trace:
    /// HTTP → grain calls → the "customers write" span, whose backlink is the batch), batch.png (the group-commit
    /// batch's own trace, down to its Npgsql span), demo.png (the demo load, started from its row, Running),
    /// metrics.png (the silos' smartrules.customer.updates metric).
    /// </summary>
    private async Task WalkTheDashboardAsync(string login, string screenshots, int replicas)
    {
        const float timeout = 60_000;
        var origin = new Uri(login).GetLeftPart(UriPartial.Authority);
        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await using var context = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        context.SetDefaultTimeout(timeout);
        var page = await context.NewPageAsync();

        async Task Step(string name, Func<Task> action)
        {
            try
            {
                await action();
                output.WriteLine("ok: " + name);
            }
            finally
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, name + ".png") });
            }
        }

        ILocator Row(string text) => page.GetByRole(AriaRole.Row).Filter(new() { HasText = text });

        await Step("resources", async () =>
        {
            await page.GotoAsync(login, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            await page.Locator("fluent-data-grid, table, [role=\"grid\"]").First.WaitForAsync();
            await Row("postgres").Filter(new() { HasText = "Running" }).First.WaitForAsync();
            await page.WaitForFunctionAsync(
                "count => [...document.querySelectorAll('[role=\"row\"]')].filter(r => /silo-/.test(r.textContent) && /Running/.test(r.textContent)).length >= count",
                replicas, new() { Timeout = timeout });
        });

        await Step("trace", async () =>
        {
            await page.GotoAsync($"{origin}/traces/detail/{TraceId}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            await page.GetByText("PUT /api/customers/{id}").First.WaitForAsync();
            await page.GetByText("ICustomerGrain/ApplyAsync").First.WaitForAsync();
            await page.GetByText("customers write", new() { Exact = true }).First.ClickAsync();
            var backlink = page.GetByText(new Regex("CustomerWriteBatcher")).First;
            await backlink.WaitForAsync();
            await backlink.ScrollIntoViewIfNeededAsync();
        });

        await Step("batch", async () =>
        {
            await Row("CustomerWriteBatcher").Locator("fluent-button").First.ClickAsync();
            await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.EndsWith(TraceId, StringComparison.Ordinal));
            await page.GetByText("CustomerWriteBatcher").First.WaitForAsync();
            await page.GetByText(new Regex("^postgresql")).First.WaitForAsync();
        });

        await Step("demo", async () =>
        {
            await page.GotoAsync(login, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            var demo = Row("demo").First;
            await demo.Filter(new() { HasText = "Not started" }).WaitForAsync();
            await demo.Locator("fluent-button[title=\"Start resource\"]").ClickAsync();
            await Row("demo").Filter(new() { HasText = "Running" }).First.WaitForAsync(new() { Timeout = 2 * timeout });
            await page.WaitForTimeoutAsync(5000); // a few batches of updates for the metric
        });

        await Step("metrics", async () =>
        {
            await page.GotoAsync($"{origin}/metrics/resource/silo?meter=SmartRules&instrument=smartrules.customer.updates&duration=5", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            await page.GetByText("smartrules.customer.updates").First.WaitForAsync();
            await page.GetByText("Customer updates by outcome").First.WaitForAsync();
            await page.GetByText("outcome", new() { Exact = true }).First.WaitForAsync(); // the first values have arrived
            await page.WaitForTimeoutAsync(2000); // the chart draws them
        });
    }

    private static async Task DrainAsync(StreamReader reader, List<string> lines)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (lines) lines.Add(line);
        }
    }

    [GeneratedRegex(@"http://\S+/login\?t=[0-9a-f]+")]
    private static partial Regex LoginUrl();

    [GeneratedRegex(@"SmartRules API: (http://\S+) ")]
    private static partial Regex ApiUrl();
}
