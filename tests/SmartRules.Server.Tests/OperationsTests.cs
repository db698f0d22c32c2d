using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SmartRules.Server.Tests;

/// <summary>A server whose telemetry goes to a real OTLP/HTTP receiver, and its Orleans dashboard.</summary>
public sealed class OperationsTests(OperationsTests.TelemetryFixture api) : IClassFixture<OperationsTests.TelemetryFixture>
{
    public sealed class TelemetryFixture : IAsyncLifetime
    {
        public OtlpReceiver Otlp { get; private set; } = null!;

        public ApiFixture Api { get; } = new();

        public async Task InitializeAsync()
        {
            Otlp = await OtlpReceiver.StartAsync();
            Api.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.Endpoint;
            Api.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            Api.Settings["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
            Api.Settings["OTEL_BSP_SCHEDULE_DELAY"] = "200";
            Api.Settings["OTEL_SERVICE_NAME"] = "smartrules-test";
            await Api.InitializeAsync();
        }

        public async Task DisposeAsync()
        {
            await Api.DisposeAsync();
            await Otlp.DisposeAsync();
        }
    }

    [Fact]
    public async Task Metrics_including_the_SmartRules_meter_and_traces_reach_an_OTLP_receiver()
    {
        var (_, client) = await api.Api.TenantAsync();
        await client.PostJson("/api/rules", """{"name":"big","active":true,"trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"assignWorkflow","workflowId":"collections"}}""");
        Assert.Equal(HttpStatusCode.Created, (await client.PutJson("/api/customers/traced", """{"outstandingAmount":9000}""")).StatusCode);

        await WaitUntilAsync(() => api.Otlp.Metrics.Any(m => Contains(m, "smartrules.rules.firings")) && api.Otlp.Spans().Any(s => s.Name.Contains("customers", StringComparison.Ordinal)));

        Assert.Contains(api.Otlp.Metrics, m => Contains(m, "smartrules.customer.updates"));
        Assert.Contains(api.Otlp.Metrics, m => Contains(m, "smartrules.store.batch_size"));
        Assert.Contains(api.Otlp.Metrics, m => Contains(m, "smartrules-test"));
    }

    [Fact]
    public async Task One_trace_spans_the_http_request_the_grain_call_and_the_database()
    {
        var (_, client) = await api.Api.TenantAsync();
        Assert.Equal(HttpStatusCode.Created, (await client.PutJson("/api/customers/one-trace", """{"outstandingAmount":1}""")).StatusCode);

        (string TraceId, string Name, string Scope)[] trace = [];
        Describe = () =>
        {
            var spans = api.Otlp.Spans();
            var ids = spans.Where(s => s.Name.Contains("/api/customers/{id}", StringComparison.Ordinal)).Select(s => s.TraceId).ToHashSet();
            return string.Join(" | ", spans.Where(s => ids.Contains(s.TraceId) || s.Scope.Contains("Orleans.Application", StringComparison.Ordinal)).Select(s => $"{s.TraceId[..6]} {s.Scope} {s.Name}").Distinct().Take(60));
        };
        await WaitUntilAsync(() =>
        {
            var spans = api.Otlp.Spans();
            var http = spans.Where(s => s.Scope.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && s.Name.Contains("/api/customers/{id}", StringComparison.Ordinal));
            trace = http.Select(h => spans.Where(s => s.TraceId == h.TraceId).ToArray())
                .FirstOrDefault(t => t.Any(s => s.Scope == "Microsoft.Orleans.Application") && t.Any(s => s.Scope == "SmartRules.Store")) ?? [];
            return trace.Length > 0;
        });

        Assert.Contains(trace, s => s.Name == "ICustomerGrain/ApplyAsync");
        Assert.Contains(trace, s => s.Name == "customers write");
        // The batch that committed it is its own trace, with the Npgsql statement under it.
        Assert.Contains(api.Otlp.Spans(), s => s.Scope == "SmartRules.Store" && s.Name == "CustomerWriteBatcher");
    }

    [Fact]
    public async Task The_dashboard_is_behind_the_admin_key_and_opens_with_basic_authentication()
    {
        using var anonymous = api.Api.CreateClient();
        var refused = await anonymous.GetAsync("/dashboard");
        using var browser = api.Api.CreateClient();
        browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + ApiFixture.AdminKey)));
        var page = await browser.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Basic", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_dashboard_loads_in_headless_Chromium_and_shows_the_customer_grain_type()
    {
        var (_, client) = await api.Api.TenantAsync();
        Assert.Equal(HttpStatusCode.Created, (await client.PutJson("/api/customers/seen-by-dashboard", """{"outstandingAmount":1}""")).StatusCode);
        var screenshot = Path.Combine(Path.GetTempPath(), $"smartrules-dashboard-{Guid.NewGuid():N}.png");

        // Debian's Chromium driven by Playwright for .NET (its package brings the driver; it cannot download browsers
        // here), signed in with HTTP Basic, on the Grains page until the grain type is shown.
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var chromium = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await using var context = await chromium.NewContextAsync(new()
        {
            HttpCredentials = new() { Username = "operator", Password = ApiFixture.AdminKey },
            ViewportSize = new() { Width = 1400, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync(client.BaseAddress + "dashboard/", new() { WaitUntil = Microsoft.Playwright.WaitUntilState.DOMContentLoaded });
            await page.GetByText("Overview").First.WaitForAsync(new() { Timeout = 30_000 });
            await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Grains", Exact = true }).ClickAsync();
            await page.GetByText("CustomerGrain").First.WaitForAsync(new() { Timeout = 45_000 });
        }
        finally
        {
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        }

        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
    }

    private static Func<string>? Describe;

    private static bool Contains(byte[] data, string text) => data.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail("telemetry did not arrive within 30 s: " + Describe?.Invoke());
            await Task.Delay(100);
        }
    }
}
