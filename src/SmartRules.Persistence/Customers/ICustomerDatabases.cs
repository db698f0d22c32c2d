namespace SmartRules.Persistence.Customers;

/// <summary>
/// The one way to customer data: which database holds a tenant's customers, audit and outbox. Every reader and
/// writer of customer data (the grain storage and its batchers, audit, the outbox and its dispatcher, lists, counts,
/// backfill queries) asks here, so that spreading tenants over several databases changes this and nothing else.
/// </summary>
public interface ICustomerDatabases
{
    /// <summary>
    /// The database of the tenant's customer data. Completes synchronously when the answer is known (the hot path).
    /// Throws <see cref="CustomerShardUnavailableException"/> when the tenant's shard is not configured or cannot be prepared.
    /// </summary>
    ValueTask<CustomerDatabase> ForTenantAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Every database that holds customer data, for work that is not per tenant (the notification dispatcher).</summary>
    IReadOnlyList<CustomerDatabase> All { get; }

    /// <summary>
    /// Chooses and records the database of a tenant being created, before it has any data: <paramref name="shard"/> when
    /// given (one of <see cref="All"/>'s names), else the reachable one holding the fewest customers.
    /// </summary>
    Task<CustomerDatabase> PlaceAsync(string tenantId, string? shard, CancellationToken cancellationToken = default);
}
