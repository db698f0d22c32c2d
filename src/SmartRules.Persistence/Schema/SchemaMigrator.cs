using Microsoft.Extensions.Logging;
using Npgsql;

namespace SmartRules.Persistence.Schema;

/// <summary>
/// Brings a database to the newest schema: the migrations embedded in this assembly (Schema/Migrations/NNNN_name.sql),
/// applied in order, each once, each in its own transaction, recorded in <c>smartrules_schema_migrations</c>.
/// Migrations come in two tracks (<see cref="SchemaTrack"/>) numbered in one sequence: the cluster database applies
/// every migration, a customer shard only those of the customer track, so both record versions in the same table.
/// A transaction-scoped advisory lock serialises silos that start together on an empty database: the second waits,
/// then finds the work done. Applying twice is a no-op.
/// </summary>
public sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    // An arbitrary constant that names "SmartRules schema migration" among advisory locks.
    private const long LockKey = 0x5352_5F53_4348_454D;

    private const string TrackMarker = "-- track: ";

    public static IReadOnlyList<(int Version, string Name, SchemaTrack Track, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>Applies the migrations of the cluster database: both tracks.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => MigrateAsync(customerShardOnly: false, cancellationToken);

    /// <summary>Applies both tracks, or with <paramref name="customerShardOnly"/> only the customer tables (a shard that is not the cluster database).</summary>
    public async Task MigrateAsync(bool customerShardOnly, CancellationToken cancellationToken = default)
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

        foreach (var (version, name, track, sql) in Migrations)
        {
            if (customerShardOnly && track != SchemaTrack.Customers) continue;
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

    private static List<(int, string, SchemaTrack, string)> LoadMigrations()
    {
        const string prefix = "SmartRules.Persistence.Migrations.";
        var assembly = typeof(SchemaMigrator).Assembly;
        var migrations = new List<(int, string, SchemaTrack, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..^".sql".Length];
            var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..underscore], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var sql = reader.ReadToEnd();
            // Every migration says where it belongs: one without a track would silently miss the shards or the cluster.
            var track = sql.StartsWith(TrackMarker, StringComparison.Ordinal)
                ? sql[TrackMarker.Length..sql.IndexOf('\n', StringComparison.Ordinal)].Trim() switch
                {
                    "cluster" => SchemaTrack.Cluster,
                    "customers" => SchemaTrack.Customers,
                    var other => throw new InvalidOperationException($"Migration {fileName} names an unknown track '{other}'."),
                }
                : throw new InvalidOperationException($"Migration {fileName} does not start with '{TrackMarker}cluster' or '{TrackMarker}customers'.");
            migrations.Add((version, fileName[(underscore + 1)..], track, sql));
        }

        migrations.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return migrations;
    }
}
