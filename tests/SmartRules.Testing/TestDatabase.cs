using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SmartRules.Persistence.Schema;

namespace SmartRules.Testing;

/// <summary>
/// A PostgreSQL database of its own for one fixture, created from <c>SMARTRULES_TEST_PG</c> (a role that may create
/// databases; a local default when unset), migrated, and dropped at the end.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=smartrules;Password=smartrules;Database=postgres";

    private readonly string _adminConnectionString;

    private TestDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<TestDatabase> CreateAsync(bool migrate = true, string? server = null)
    {
        var admin = server ?? (Environment.GetEnvironmentVariable("SMARTRULES_TEST_PG") is { Length: > 0 } configured ? configured : DefaultServer);
        var name = "smartrules_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 30 }.ConnectionString;
        var database = new TestDatabase(admin, name, connectionString);
        if (migrate) await database.MigrateAsync();
        return database;
    }

    public Task MigrateAsync() => new SchemaMigrator(DataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await DropAsync(_adminConnectionString, Name);
    }

    /// <summary>
    /// Drops a database even while sessions use it. Ending an autovacuum worker needs pg_signal_backend, which a role
    /// given through SMARTRULES_TEST_PG may lack: then it waits for the worker and tries again, and at worst leaves the
    /// database behind rather than failing a test that passed.
    /// </summary>
    public static async Task DropAsync(string adminConnectionString, string name)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 10)
            {
                await Task.Delay(500);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                return;
            }
        }
    }
}
