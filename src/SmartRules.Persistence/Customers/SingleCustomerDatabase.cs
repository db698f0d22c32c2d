namespace SmartRules.Persistence.Customers;

/// <summary>Every tenant on one database, recording nothing: for tests of the store on a database of their own.</summary>
public sealed class SingleCustomerDatabase(CustomerDatabase database) : ICustomerDatabases
{
    public IReadOnlyList<CustomerDatabase> All { get; } = [database];

    public ValueTask<CustomerDatabase> ForTenantAsync(string tenantId, CancellationToken cancellationToken = default) => ValueTask.FromResult(database);

    public Task<CustomerDatabase> PlaceAsync(string tenantId, string? shard, CancellationToken cancellationToken = default) =>
        shard is null || shard == database.Name ? Task.FromResult(database) : throw new ArgumentException($"There is no customer shard '{shard}'.", nameof(shard));
}
