using Npgsql;
using SmartRules.Persistence.Schema;

namespace SmartRules.Server.Hosting;

/// <summary>Creates or migrates the schema before the silo starts (registered before Orleans, so it runs first).</summary>
public sealed class SchemaMigrationService(string connectionString, ILoggerFactory loggers) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(SmartRulesDatabase.Tune(connectionString));
        await new SchemaMigrator(dataSource, loggers.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
