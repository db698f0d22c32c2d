using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using SmartRules.Persistence.Notifications;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// One PostgreSQL database that holds customer data — the customers, their change history (audit) and the
/// notification outbox — with the group-commit batchers of its reads and writes: a batch is one statement, so it
/// never spans two databases. Reached only through <see cref="ICustomerDatabases"/>.
/// </summary>
public sealed class CustomerDatabase : IAsyncDisposable
{
    /// <summary>The name of the cluster's own database as a holder of customer data (its connection string's name).</summary>
    public const string ClusterDatabaseName = "SmartRules";

    public CustomerDatabase(string name, NpgsqlDataSource dataSource, StringPool pool, IOptions<CustomerStoreOptions> options, ILoggerFactory loggers)
    {
        Name = name;
        DataSource = dataSource;
        Writes = new CustomerWriteBatcher(dataSource, options, loggers.CreateLogger<CustomerWriteBatcher>());
        Reads = new CustomerReadBatcher(dataSource, pool, options, loggers.CreateLogger<CustomerReadBatcher>());
        Outbox = new OutboxDelivery(dataSource);
    }

    public string Name { get; }

    public NpgsqlDataSource DataSource { get; }

    public CustomerWriteBatcher Writes { get; }

    public CustomerReadBatcher Reads { get; }

    /// <summary>This database's notification outbox, for the dispatcher.</summary>
    public OutboxDelivery Outbox { get; }

    public async ValueTask DisposeAsync()
    {
        await Writes.DisposeAsync().ConfigureAwait(false);
        await Reads.DisposeAsync().ConfigureAwait(false);
    }
}
