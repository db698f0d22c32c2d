using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SmartRules.Server.Hosting;
using SmartRules.Testing;

namespace SmartRules.LoadBench;

/// <summary>One silo serving the API on a loopback port, configured as the server is, and a client of one new tenant.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private BenchServer(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<BenchServer> StartAsync(string connectionString, string tenantId, Action<Orleans.Hosting.ISiloBuilder>? configureSilo = null)
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Configuration["SmartRules:AdminKey"] = "bench-admin";
        builder.Services.AddSingleton<IHostedService>(sp => new SchemaMigrationService(connectionString, builder.Configuration, sp.GetRequiredService<ILoggerFactory>()));
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: Ports.Free(), gatewayPort: Ports.Free());
            silo.Configure<ClusterOptions>(o => o.ClusterId = o.ServiceId = "bench-" + tenantId);
            silo.AddSmartRules(connectionString, builder.Configuration);
            configureSilo?.Invoke(silo);
        });
        builder.AddSmartRulesApi();
        var app = builder.Build();
        app.MapSmartRulesApi();
        await app.StartAsync();

        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
        var (_, key) = await TestServer.CreateTenantAsync(http.WithKey("bench-admin"), id: tenantId);
        return new BenchServer(app, http.WithKey(key));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
