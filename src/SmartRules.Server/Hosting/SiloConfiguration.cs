using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime.Hosting;
using SmartRules.Grains;
using SmartRules.Grains.Backfills;
using SmartRules.Grains.Customers;
using SmartRules.Grains.Notifications;
using SmartRules.Grains.Placement;
using SmartRules.Grains.Telemetry;
using SmartRules.Grains.Tenants;
using SmartRules.Persistence.Audit;
using SmartRules.Persistence.Customers;
using SmartRules.Persistence.Notifications;
using SmartRules.Persistence.Schema;

namespace SmartRules.Server.Hosting;

/// <summary>
/// Everything a SmartRules silo needs, in one place, used by the server and by the cluster tests alike: ADO.NET
/// clustering and reminders on PostgreSQL, the stock ADO.NET storage for rule sets and tenants, the group-commit
/// storage for customers, the per-silo tenant cache, and the notification dispatcher.
/// </summary>
public static class SiloConfiguration
{
    /// <summary>Membership on PostgreSQL through the stock ADO.NET clustering provider.</summary>
    public static ISiloBuilder UseSmartRulesClustering(this ISiloBuilder silo, string connectionString) =>
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = SmartRulesDatabase.Invariant;
            options.ConnectionString = SmartRulesDatabase.TuneForOrleans(connectionString);
        });

    /// <summary>Everything but membership, which in-process test clusters provide themselves.</summary>
    public static ISiloBuilder AddSmartRules(this ISiloBuilder silo, string connectionString, IConfiguration configuration)
    {
        var tuned = SmartRulesDatabase.Tune(connectionString);
        var forOrleans = SmartRulesDatabase.TuneForOrleans(connectionString);
        // Orleans:Reminders:ProviderType set (as .NET Aspire does): Orleans registers the reminder service from configuration.
        if (!OrleansProviders.IsConfigured(configuration, "Reminders"))
        {
            silo.UseAdoNetReminderService(options =>
            {
                options.Invariant = SmartRulesDatabase.Invariant;
                options.ConnectionString = forOrleans;
            });
        }

        foreach (var name in new[] { GrainStorageNames.Rules, GrainStorageNames.Tenants, GrainStorageNames.Backfills })
        {
            silo.AddAdoNetGrainStorage(name, options =>
            {
                options.Invariant = SmartRulesDatabase.Invariant;
                options.ConnectionString = forOrleans;
            });
        }

        silo.AddPlacementDirector<SiloTargetedPlacement, SiloTargetedPlacementDirector>();
        // Orleans:EnableDistributedTracing (as .NET Aspire sets it) makes Orleans add the same grain call filters itself;
        // added twice, every grain call would be traced twice. Without an exporter no span is recorded (ServiceDefaults),
        // and the filters would only put every grain call through Orleans' filter pipeline: 11 % of a heavy update's CPU
        // in the benchmark (docs/benchmarks.md, change 14).
        if (!configuration.GetValue<bool>("Orleans:EnableDistributedTracing") &&
            Microsoft.Extensions.Hosting.Extensions.ExportsTraces(configuration))
        {
            silo.AddActivityPropagation();
        }
        silo.ConfigureServices(services =>
        {
            services.TryAddSingleton(TimeProvider.System);
            // A database error raised in a grain on one silo reaches the API on another: Orleans carries only exceptions
            // of the namespaces it is told about, and an Npgsql one would otherwise fail to serialize and reach the
            // caller as a CodecNotFoundException (a 500 instead of the 503 it is). Found by the reliability suite.
            services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(options =>
            {
                options.SupportedNamespacePrefixes.Add("Npgsql");
                // CustomerShardUnavailableException: a tenant whose shard cannot be reached is a 503, from any silo.
                options.SupportedNamespacePrefixes.Add("SmartRules.Persistence");
            });
            services.AddSingleton(_ => new NpgsqlDataSourceBuilder(tuned).Build());
            services.AddSingleton<SchemaMigrator>();
            services.AddOptions<CustomerStoreOptions>().Bind(configuration.GetSection("SmartRules:CustomerStore"));
            // Customer data: the cluster's own database and the configured shards, a tenant on one of them (tenant_shards).
            var shards = CustomerShards.Read(configuration);
            services.AddSingleton<ICustomerDatabases>(sp =>
            {
                var cluster = ActivatorUtilities.CreateInstance<CustomerDatabase>(sp, CustomerDatabase.ClusterDatabaseName);
                var others = shards.Select(s => ActivatorUtilities.CreateInstance<CustomerDatabase>(
                    sp, s.Name, new NpgsqlDataSourceBuilder(SmartRulesDatabase.Tune(s.ConnectionString)).Build())).ToList();
                foreach (var database in others.Prepend(cluster))
                {
                    database.Writes.BatchCompleted += (size, duration) => SmartRulesMetrics.WriteBatch(database.Name, size, duration);
                }

                return new ShardedCustomerDatabases(cluster, others, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>());
            });
            services.AddSingleton<StringPool>();
            services.AddSingleton<CustomerGrainStorage>();
            services.AddGrainStorage(GrainStorageNames.Customers, (sp, _) => sp.GetRequiredService<CustomerGrainStorage>());
            services.AddHybridCache(); // TenantRuntimeCache shares concurrent loads of a tenant through it
            services.AddSingleton<TenantRuntimeCache>();
            services.AddSingleton<NewCustomerOdds>();
            services.AddSingleton<ApiKeyCache>();
            services.AddSingleton<BackfillPlanCache>();
            services.AddSingleton<BackfillQueries>();
            services.AddOptions<BackfillOptions>().Bind(configuration.GetSection("SmartRules:Backfills"));
            services.AddSingleton<NotificationRenderer>();
            services.AddSingleton<OutboxStore>();
            services.AddSingleton<AuditStore>();
            services.AddOptions<NotificationOptions>().Bind(configuration.GetSection("SmartRules:Notifications"));
            services.AddHttpClient(NotificationDispatcher.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
                .ConfigurePrimaryHttpMessageHandler(sp => WebhookConnections.CreateHandler(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.AllowPrivateWebhookAddresses));
            services.AddHostedService<NotificationDispatcher>();
        });
        return silo;
    }
}
