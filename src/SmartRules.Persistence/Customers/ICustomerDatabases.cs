namespace SmartRules.Persistence.Customers;

/// <summary>
/// The one way to customer data: which database holds a tenant's customers, audit and outbox. Every reader and
/// writer of customer data (the grain storage and its batchers, audit, the outbox and its dispatcher, lists, counts,
/// backfill queries) asks here, so that spreading tenants over several databases changes this and nothing else.
/// </summary>
public interface ICustomerDatabases
{
    /// <summary>The database of the tenant's customer data. Completes synchronously when the answer is known (the hot path).</summary>
    ValueTask<CustomerDatabase> ForTenantAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Every database that holds customer data, for work that is not per tenant (the notification dispatcher).</summary>
    IReadOnlyList<CustomerDatabase> All { get; }
}

/// <summary>Every tenant on one database: the cluster's own (the only layout until shards are configured).</summary>
public sealed class SingleCustomerDatabase(CustomerDatabase database) : ICustomerDatabases
{
    public IReadOnlyList<CustomerDatabase> All { get; } = [database];

    public ValueTask<CustomerDatabase> ForTenantAsync(string tenantId, CancellationToken cancellationToken = default) => ValueTask.FromResult(database);
}
