using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Tests;

/// <summary>
/// The sharded resolver on its own: a tenant without a row in tenant_shards lives on the cluster database (tenants from
/// before shards stay where they are); one placed on a shard is found there by every silo; a shard's customer tables
/// are created before its first use; a row naming a shard this silo lacks is an outage, not a wrong answer.
/// </summary>
public sealed class ShardedCustomerDatabasesTests : IAsyncLifetime
{
    private TestDatabase _cluster = null!;
    private TestDatabase _other = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestDatabase.CreateAsync();
        _other = await TestDatabase.CreateAsync(migrate: false);
    }

    public async Task DisposeAsync()
    {
        await _other.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private ShardedCustomerDatabases NewResolver()
    {
        var options = Options.Create(new CustomerStoreOptions());
        var pool = new StringPool();
        return new ShardedCustomerDatabases(
            new CustomerDatabase(CustomerDatabase.ClusterDatabaseName, _cluster.DataSource, pool, options, NullLoggerFactory.Instance),
            [new CustomerDatabase("Other", NpgsqlDataSource.Create(_other.ConnectionString), pool, options, NullLoggerFactory.Instance)],
            TimeProvider.System, NullLoggerFactory.Instance);
    }

    [Fact]
    public async Task When_an_unrecorded_tenant_is_due_for_a_recheck_its_concurrent_callers_share_one_lookup()
    {
        // Every line of a busy tenant asks for its database; when the minute of an unrecorded tenant (one from before
        // shards) is up, they all find the recheck due at once. Counted through Npgsql's own log of the commands it runs.
        var lookups = new LookupCounter();
        using var loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(lookups));
        var dataSource = new NpgsqlDataSourceBuilder(_cluster.ConnectionString).UseLoggerFactory(loggers).Build();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options.Create(new CustomerStoreOptions());
        await using var silo = new ShardedCustomerDatabases(
            new CustomerDatabase(CustomerDatabase.ClusterDatabaseName, dataSource, new StringPool(), options, NullLoggerFactory.Instance), [],
            time, NullLoggerFactory.Instance);

        Assert.Equal(CustomerDatabase.ClusterDatabaseName, (await silo.ForTenantAsync("from-before-shards")).Name);
        Assert.Equal(1, lookups.Count);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => silo.ForTenantAsync("from-before-shards").AsTask()));
        Assert.Equal(1, lookups.Count); // answered from memory within the minute

        time.Advance(TimeSpan.FromMinutes(2));
        var databases = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => silo.ForTenantAsync("from-before-shards").AsTask())));
        Assert.All(databases, database => Assert.Equal(CustomerDatabase.ClusterDatabaseName, database.Name));
        Assert.Equal(2, lookups.Count);
        await dataSource.DisposeAsync();
    }

    /// <summary>Counts the look-ups of tenant_shards that Npgsql logs as it executes them.</summary>
    private sealed class LookupCounter : ILoggerProvider, ILogger
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (message.Contains("from tenant_shards", StringComparison.Ordinal) && message.Contains("completed", StringComparison.OrdinalIgnoreCase)) Interlocked.Increment(ref _count);
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task Tenants_are_resolved_from_the_shard_table_and_a_shard_is_migrated_before_its_first_use()
    {
        await using var silo = NewResolver();
        await using var otherSilo = NewResolver();

        Assert.Equal(CustomerDatabase.ClusterDatabaseName, (await silo.ForTenantAsync("from-before-shards")).Name);

        Assert.Equal("Other", (await silo.PlaceAsync("placed", "Other")).Name);
        Assert.Equal("Other", (await silo.ForTenantAsync("placed")).Name);
        Assert.Equal("Other", (await otherSilo.ForTenantAsync("placed")).Name);
        Assert.Equal("Other", await _cluster.ScalarAsync<string>("select shard from tenant_shards where tenant_id = 'placed'"));
        Assert.True(await _other.ScalarAsync<bool>("select to_regclass('customers') is not null and to_regclass('orleansmembershiptable') is null"));

        // Both empty: the tie goes to the first configured, the cluster database. With a customer there, to the other.
        Assert.Equal(CustomerDatabase.ClusterDatabaseName, (await silo.PlaceAsync("auto-1", null)).Name);
        await _cluster.ExecuteAsync("insert into customers (tenant_id, customer_id, version, updated_at) values ('auto-1', 'c', 1, now())");
        Assert.Equal("Other", (await silo.PlaceAsync("auto-2", null)).Name);

        await _cluster.ExecuteAsync("insert into tenant_shards (tenant_id, shard) values ('elsewhere', 'NotConfigured')");
        await Assert.ThrowsAsync<CustomerShardUnavailableException>(async () => await otherSilo.ForTenantAsync("elsewhere"));
        await Assert.ThrowsAsync<ArgumentException>(() => silo.PlaceAsync("nowhere", "NotConfigured"));
    }
}
