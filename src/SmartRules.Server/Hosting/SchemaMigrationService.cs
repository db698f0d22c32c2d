using Npgsql;
using SmartRules.Persistence.Schema;

namespace SmartRules.Server.Hosting;

/// <summary>
/// Creates or migrates the schema before the silo starts (registered before Orleans, so it runs first): every table on
/// the cluster database, which must succeed, then the customer tables on each configured customer shard. A shard that
/// cannot be reached does not stop the silo (its tenants answer 503, /health says Degraded); the silo migrates it before
/// its first use once it is back (ShardedCustomerDatabases).
/// </summary>
public sealed partial class SchemaMigrationService(string connectionString, IConfiguration configuration, ILoggerFactory loggers) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var migratorLogger = loggers.CreateLogger<SchemaMigrator>();
        await using (var dataSource = NpgsqlDataSource.Create(SmartRulesDatabase.Tune(connectionString)))
        {
            await new SchemaMigrator(dataSource, migratorLogger).MigrateAsync(cancellationToken);
        }

        foreach (var (name, shardConnectionString) in CustomerShards.Read(configuration))
        {
            try
            {
                await using var dataSource = NpgsqlDataSource.Create(SmartRulesDatabase.Tune(shardConnectionString));
                await new SchemaMigrator(dataSource, migratorLogger).MigrateAsync(customerShardOnly: true, cancellationToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogShardNotMigrated(loggers.CreateLogger<SchemaMigrationService>(), name, e.Message);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer shard {Shard} cannot be reached at start-up; its tenants answer 503 until it is back: {Reason}")]
    private static partial void LogShardNotMigrated(ILogger logger, string shard, string reason);
}
