using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Tests.Filters;

/// <summary>
/// The customers table on a PostgreSQL database of its own, with the production write path (the group-commit
/// batcher the grain storage uses) and the production queries (lists, counts, backfill candidates). Each scenario
/// writes its customers under a tenant of its own, so runs never see each other's rows.
/// </summary>
public sealed class CustomerTableFixture : IAsyncLifetime
{
    private int _tenants;

    public TestDatabase Database { get; private set; } = null!;

    public CustomerWriteBatcher Writer { get; private set; } = null!;

    private CustomerDatabase _customers = null!;

    public CustomerQueries Queries { get; private set; } = null!;

    public BackfillQueries Backfills { get; private set; } = null!;

    public string NewTenant() => $"filters-{Interlocked.Increment(ref _tenants)}";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        _customers = new CustomerDatabase(CustomerDatabase.ClusterDatabaseName, Database.DataSource, new StringPool(), Options.Create(new CustomerStoreOptions { ConcurrentBatches = 1 }), NullLoggerFactory.Instance);
        Writer = _customers.Writes;
        var databases = new SingleCustomerDatabase(_customers);
        Queries = new CustomerQueries(databases, new StringPool());
        Backfills = new BackfillQueries(databases);
    }

    public async Task DisposeAsync()
    {
        await _customers.DisposeAsync();
        await Database.DisposeAsync();
    }
}
