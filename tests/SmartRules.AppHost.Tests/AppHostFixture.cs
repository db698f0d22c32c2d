namespace SmartRules.AppHost.Tests;

/// <summary>
/// One start of the app model for every test of the collection, through Aspire.Hosting.Testing: the executable
/// PostgreSQL on a throwaway data folder and a free port, two silos, the console, no dashboard.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("smartrules-apphost-test-");

    private bool _stopped;

    public string AdminKey { get; } = "admin-" + Guid.NewGuid().ToString("N");

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Each silo replica's own HTTP address (the resource's endpoint is a proxy in front of all of them).</summary>
    public IReadOnlyList<Uri> Silos { get; private set; } = [];

    public string DataDirectory => Path.Combine(_data.FullName, "pg");

    public TimeSpan Started { get; private set; }

    public async Task InitializeAsync()
    {
        var started = DateTime.UtcNow;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SmartRules_AppHost>(
            [$"--SmartRules:Postgres:DataDirectory={DataDirectory}", "--SmartRules:ApiPort=0", "--SmartRules:ConsolePort=0", $"--SmartRules:AdminKey={AdminKey}", "--Silos=2"],
            timeout.Token);
        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("postgres", timeout.Token);

        // Each replica's own address is in its environment as soon as it is created; healthy is asked of each one.
        var replicas = new Dictionary<string, Uri>();
        await foreach (var change in App.ResourceNotifications.WatchAsync(timeout.Token))
        {
            if (change.Resource.Name != "silo" || change.Snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value is not { Length: > 0 } urls) continue;
            replicas[change.ResourceId] = new Uri(urls.Split(';')[0], UriKind.Absolute);
            if (replicas.Count == 2) break;
        }

        Silos = replicas.Values.ToArray();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var silo in Silos)
        {
            while (!await IsHealthyAsync(http, silo)) await Task.Delay(500, timeout.Token);
        }

        Started = DateTime.UtcNow - started;
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http, Uri silo)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(silo, "/health"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops and disposes the app (what Ctrl+C does); the fixture's end does it too when no test did.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await StopAsync();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
