using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Xunit.Abstractions;

namespace SmartRules.AppHost.Tests;

/// <summary>The app model as the AppHost runs it, started once for these tests (Aspire.Hosting.Testing, no dashboard).</summary>
[TestCaseOrderer(RunsLastOrderer.Name, RunsLastOrderer.Assembly)]
public sealed class AppModelTests(AppHostFixture app, ITestOutputHelper output) : IClassFixture<AppHostFixture>
{
    [Fact]
    public async Task PostgreSQL_and_both_silos_become_healthy()
    {
        output.WriteLine($"PostgreSQL and two healthy silos {app.Started.TotalSeconds:F0} s after the start: {string.Join(", ", app.Silos)}");
        Assert.Equal(2, app.Silos.Distinct().Count());
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "PG_VERSION")), "the cluster is initialised in the given folder");
        using var http = new HttpClient();
        foreach (var silo in app.Silos) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(silo, "/health"))).StatusCode);
    }

    [Fact]
    public async Task PostgreSQL_runs_durable_and_flushes_backend_writes_as_it_goes()
    {
        // docs/operations.md, "PostgreSQL settings": commits stay synchronous; evicted pages go to disk every 256 kB
        // instead of in the kernel's bursts, which stalled commits for hundreds of milliseconds.
        await using var connection = new NpgsqlConnection(await app.App.GetConnectionStringAsync("postgres"));
        await connection.OpenAsync();
        async Task<string> Show(string setting)
        {
            await using var command = new NpgsqlCommand($"show {setting}", connection);
            return (string)(await command.ExecuteScalarAsync())!;
        }

        Assert.Equal("256kB", await Show("backend_flush_after"));
        Assert.Equal("on", await Show("fsync"));
        Assert.Equal("on", await Show("synchronous_commit"));
    }

    [Fact]
    public async Task A_customer_written_through_one_silo_is_read_through_the_other()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.AdminKey);
        using var tenant = await http.PostAsJsonAsync(new Uri(app.Silos[0], "/admin/tenants"), new { id = "apphost", name = "AppHost" });
        Assert.Equal(HttpStatusCode.Created, tenant.StatusCode);
        var key = (await tenant.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var written = await http.PutAsJsonAsync(new Uri(app.Silos[0], "/api/customers/c1"), new { outstandingAmount = 42 });
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        var read = await http.GetFromJsonAsync<JsonObject>(new Uri(app.Silos[1], "/api/customers/c1"));
        Assert.Equal(42m, read!["outstandingAmount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task The_console_signs_a_tenant_in_and_shows_its_rules_from_the_silos()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await app.App.ResourceNotifications.WaitForResourceHealthyAsync("console", timeout.Token);
        var console = app.App.GetEndpoint("console", "http");

        using var admin = new HttpClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.AdminKey);
        using var tenant = await admin.PostAsJsonAsync(new Uri(app.Silos[0], "/admin/tenants"), new { id = "console", name = "Console" });
        Assert.Equal(HttpStatusCode.Created, tenant.StatusCode);
        var key = (await tenant.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();

        // The sign-in form as a browser posts it (with its antiforgery token); the cookie that comes back opens the rules
        // page, which the console renders from GET /api/rules on the silos, found by service discovery.
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = console };
        var form = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative), timeout.Token);
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signedIn = await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "signin", ["Input.ApiKey"] = key,
        }), timeout.Token);
        var page = await signedIn.Content.ReadAsStringAsync(timeout.Token);
        output.WriteLine($"console at {console}: {(int)signedIn.StatusCode} {signedIn.RequestMessage?.RequestUri}");
        Assert.True(signedIn.IsSuccessStatusCode, page);
        Assert.Contains("No rules yet", page, StringComparison.Ordinal);
        Assert.DoesNotContain(key, page, StringComparison.Ordinal);
    }

    [Fact]
    [RunsLast]
    public async Task Stopping_the_app_leaves_no_process()
    {
        // The app's processes: PostgreSQL (its command line names the data folder) and the silos (their environment
        // holds the connection string, so their port), wrappers included.
        var port = new NpgsqlConnectionStringBuilder(await app.App.GetConnectionStringAsync("postgres")).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var processes = AppProcesses(app.DataDirectory, $"Port={port};");
        Assert.Contains(processes, p => p.CommandLine.Contains("postgres", StringComparison.Ordinal));
        Assert.True(processes.Count(p => p.CommandLine.Contains("SmartRules.Server", StringComparison.Ordinal)) >= 2, string.Join('\n', processes));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await app.StopAsync();
        output.WriteLine($"stopped in {clock.Elapsed.TotalSeconds:F1} s");

        // A silo may still be leaving its cluster when the orchestrator returns: give the processes a moment to end.
        var left = processes;
        while ((left = left.Where(p => Directory.Exists($"/proc/{p.Id}")).ToList()).Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(250);
        output.WriteLine($"no process left {clock.Elapsed.TotalSeconds:F1} s after the stop began");
        Assert.True(left.Count == 0, "still running: " + string.Join('\n', left));
    }

    private static List<(int Id, string CommandLine)> AppProcesses(string dataDirectory, string environmentMarker)
    {
        var found = new List<(int, string)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var id)) continue;
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                var environment = File.ReadAllText(Path.Combine(folder, "environ"));
                if (commandLine.Contains(dataDirectory, StringComparison.Ordinal) || environment.Contains(environmentMarker, StringComparison.Ordinal)) found.Add((id, commandLine));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Ended meanwhile, or not ours to read.
            }
        }

        return found;
    }
}
