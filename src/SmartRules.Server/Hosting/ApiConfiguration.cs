using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;
using Scalar.AspNetCore;
using SmartRules.Persistence.Customers;
using SmartRules.Server.Apis;
using SmartRules.Server.Apis.Advisor;
using SmartRules.Server.Auth;
using SmartRules.Server.Json;

namespace SmartRules.Server.Hosting;

/// <summary>The HTTP side of a silo: auth, JSON, problem details, OpenAPI, health, and the endpoint groups.</summary>
public static class ApiConfiguration
{
    public static IHostApplicationBuilder AddSmartRulesApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddOptions<IngestionOptions>().Bind(builder.Configuration.GetSection("SmartRules:Ingestion"));
        services.AddSingleton<CustomerQueries>();
        services.AddSingleton<SimulationQueries>();
        services.AddSingleton<SmartRules.Grains.Advisor.Simulator>();
        services.AddSingleton<SmartRules.Grains.Advisor.CustomerAdvisor>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, TenantKeyHandler>(AuthSchemes.Tenant, null)
            .AddScheme<AuthenticationSchemeOptions, AdminKeyHandler>(AuthSchemes.Admin, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthSchemes.Tenant, p => p.AddAuthenticationSchemes(AuthSchemes.Tenant).RequireClaim(AuthSchemes.TenantClaim))
            .AddPolicy(AuthSchemes.Admin, p => p.AddAuthenticationSchemes(AuthSchemes.Admin).RequireRole("admin"));
        services.AddSmartRulesOpenApi();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<ClusterHealthCheck>("cluster")
            // A customer shard down takes only its tenants down: Degraded (still 200), never Unhealthy.
            .AddCheck<CustomerShardsHealthCheck>("customer-shards", HealthStatus.Degraded);
        return builder;
    }

    public static WebApplication MapSmartRulesApi(this WebApplication app)
    {
        // ErrorResponses logs each failure once, at the level its kind deserves, with the trace id it answers.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ErrorResponses.HandleAsync, SuppressDiagnosticsCallback = _ => true });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        // "Try it" starts on the tenant key, the one most calls need; the admin key is one click away.
        app.MapScalarApiReference("/reference", options => options.AddPreferredSecuritySchemes([OpenApiConfiguration.TenantScheme]));
        app.MapDefaultEndpoints();

        app.MapAdminApi();
        var api = app.MapGroup("/api").RequireAuthorization(AuthSchemes.Tenant).ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapDirectoryApi();
        api.MapCustomersApi();
        api.MapIngestionApi();
        api.MapRulesApi();
        api.MapNotificationsApi();
        api.MapBackfillsApi();
        api.MapExplainApi();
        api.MapSimulateApi();
        api.MapAdviceApi();
        return app;
    }

    private sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL cannot be reached", e);
            }
        }
    }

    private sealed class CustomerShardsHealthCheck(ICustomerDatabases databases) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            // The cluster database is the "database" check's; here the other shards, all at once.
            var shards = databases.All.Where(d => d.Name != CustomerDatabase.ClusterDatabaseName).ToList();
            if (shards.Count == 0) return HealthCheckResult.Healthy("no customer shards besides the cluster database");
            var down = (await Task.WhenAll(shards.Select(async shard => await IsReachableAsync(shard, cancellationToken) ? null : shard.Name)))
                .OfType<string>().ToList();
            return down.Count == 0
                ? HealthCheckResult.Healthy($"{shards.Count} customer shard(s) reachable")
                : HealthCheckResult.Degraded($"customer shard(s) not reachable: {string.Join(", ", down)}; their tenants answer 503");
        }

        private static async Task<bool> IsReachableAsync(CustomerDatabase shard, CancellationToken cancellationToken)
        {
            try
            {
                await using var command = shard.DataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return true;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return false;
            }
        }
    }

    private sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
#pragma warning disable CA2016 // GetHosts takes no token; WaitAsync bounds the wait instead.
                var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken);
#pragma warning restore CA2016
                return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)") : HealthCheckResult.Unhealthy("no active silo");
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("the cluster cannot be reached", e);
            }
        }
    }
}
