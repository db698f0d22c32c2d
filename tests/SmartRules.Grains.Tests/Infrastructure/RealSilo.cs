using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SmartRules.Server.Hosting;

namespace SmartRules.Grains.Tests.Infrastructure;

/// <summary>
/// A silo configured as the server configures it — schema migration at start, ADO.NET clustering on PostgreSQL, real
/// TCP on loopback — for the tests that are about the cluster's own use of the database.
/// </summary>
public sealed class RealSilo : IAsyncDisposable
{
    private RealSilo(IHost host) => Host = host;

    public IHost Host { get; }

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    public static RealSilo Create(string connectionString, string clusterId)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IHostedService>(sp => new SchemaMigrationService(connectionString, new ConfigurationBuilder().Build(), sp.GetRequiredService<ILoggerFactory>()));
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "smartrules-tests";
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, Ports.Free(), Ports.Free());
            silo.UseSmartRulesClustering(connectionString);
            silo.AddSmartRules(connectionString, new ConfigurationBuilder().Build());
        });
        return new RealSilo(builder.Build());
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
