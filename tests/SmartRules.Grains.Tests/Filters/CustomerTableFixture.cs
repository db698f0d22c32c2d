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

    public CustomerQueries Queries { get; private set; } = null!;

    public BackfillQueries Backfills { get; private set; } = null!;

    public string NewTenant() => $"filters-{Interlocked.Increment(ref _tenants)}";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Writer = new CustomerWriteBatcher(Database.DataSource, Options.Create(new CustomerStoreOptions { ConcurrentBatches = 1 }), NullLogger<CustomerWriteBatcher>.Instance);
        Queries = new CustomerQueries(Database.DataSource, new StringPool());
        Backfills = new BackfillQueries(Database.DataSource);
    }

    public async Task DisposeAsync()
    {
        await Writer.DisposeAsync();
        await Database.DisposeAsync();
    }
}
