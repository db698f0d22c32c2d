using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace SmartRules.AppHost.Postgres;

public static class LocalPostgresExtensions
{
    /// <summary>
    /// PostgreSQL without a container: the machine's installation (apt-get installs it when missing and the AppHost runs
    /// as root) run by run-postgres.sh, its data in a folder that outlives the AppHost — per user, or as root a folder
    /// under /var/lib owned by postgres — initialised once; healthy once the database answers. Orleans' providers on it
    /// are its ADO.NET ones. <c>SmartRules:Postgres:DataDirectory</c> and <c>SmartRules:Postgres:Port</c> override
    /// the folder and the port (a free one by default).
    /// </summary>
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var settings = builder.Configuration.GetSection("SmartRules:Postgres");
        var data = settings["DataDirectory"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : DefaultDataDirectory();
        var port = settings.GetValue<int?>("Port") is { } fixedPort and > 0 ? fixedPort : FreePort();
        var script = Path.Combine(AppContext.BaseDirectory, "Postgres", "run-postgres.sh");
        var healthCheck = $"{name}-ready";
        var connectionString = $"Host=127.0.0.1;Port={port};Username=smartrules;Database=smartrules;Pooling=false;Timeout=3";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async cancellationToken =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(e.Message);
            }
        });

        return builder.AddResource(new LocalPostgresResource(name, "/bin/sh", builder.AppHostDirectory))
            .WithArgs(script, data, port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            // Not proxied: the silos' pools talk to PostgreSQL itself, and the port stays what PostgreSQL listens on.
            .WithEndpoint(LocalPostgresResource.EndpointName, endpoint =>
            {
                endpoint.UriScheme = "tcp";
                endpoint.Port = port;
                endpoint.TargetPort = port;
                endpoint.IsProxied = false;
            })
            .WithHealthCheck(healthCheck)
            .WithOrleansProviderType("AdoNet")
            .WithIconName("Database")
            .ExcludeFromManifest();
    }

    private static string DefaultDataDirectory()
    {
        if (Environment.UserName == "root") return "/var/lib/smartrules-apphost/pg";
        var share = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(share, "smartrules", "pg");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
