using Microsoft.Extensions.Logging;
using Npgsql;

namespace SmartRules.Persistence.Schema;

/// <summary>
/// Brings a database to the newest schema: the migrations embedded in this assembly (Schema/Migrations/NNNN_name.sql),
/// applied in order, each once, each in its own transaction, recorded in <c>smartrules_schema_migrations</c>.
/// A transaction-scoped advisory lock serialises silos that start together on an empty database: the second waits,
/// then finds the work done. Applying twice is a no-op.
/// </summary>
public sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    // An arbitrary constant that names "SmartRules schema migration" among advisory locks.
    private const long LockKey = 0x5352_5F53_4348_454D;

    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(
            "create table if not exists smartrules_schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())",
            connection))
        {
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
            {
                // Another silo created it at the same instant: it exists now, which is all we need.
            }
        }

        foreach (var (version, name, sql) in Migrations)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCommand = new NpgsqlCommand("select pg_advisory_xact_lock(@key)", connection, transaction))
            {
                lockCommand.Parameters.AddWithValue("key", LockKey);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var check = new NpgsqlCommand("select 1 from smartrules_schema_migrations where version = @version", connection, transaction))
            {
                check.Parameters.AddWithValue("version", version);
                if (await check.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    continue;
                }
            }

            await using (var apply = new NpgsqlCommand(sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand("insert into smartrules_schema_migrations (version, name) values (@version, @name)", connection, transaction))
            {
                record.Parameters.AddWithValue("version", version);
                record.Parameters.AddWithValue("name", name);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            LogApplied(logger, version, name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Version} {Name}")]
    private static partial void LogApplied(ILogger logger, int version, string name);

    private static List<(int, string, string)> LoadMigrations()
    {
        const string prefix = "SmartRules.Persistence.Migrations.";
        var assembly = typeof(SchemaMigrator).Assembly;
        var migrations = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..^".sql".Length];
            var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..underscore], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add((version, fileName[(underscore + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return migrations;
    }
}
