using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Grain activations read their rows in batches too: a backfill or a wave of new customers activates thousands of
/// grains at once, and one query for all the rows queued serves them far faster than one query each.
/// </summary>
public sealed class CustomerReadBatcher(NpgsqlDataSource dataSource, StringPool pool, IOptions<CustomerStoreOptions> options, ILogger<CustomerReadBatcher> logger)
    : GroupBatcher<(string TenantId, string CustomerId), StoredCustomer?>(options.Value.MaxBatchSize, options.Value.ConcurrentBatches, logger)
{
    private const string Read = "select k.ord, " + CustomerRows.SnapshotColumns + """
        , last_sequence, version, extra::text
        from unnest(@tenants::text[], @customers::text[]) with ordinality as k(tenant_id, customer_id, ord)
        join customers c on c.tenant_id = k.tenant_id and c.customer_id = k.customer_id
        """;

    /// <summary>The stored state of a customer, or <c>null</c> when it has no row yet.</summary>
    public Task<StoredCustomer?> ReadAsync(string tenantId, string customerId) => EnqueueAsync((tenantId, customerId));

    protected override (string TenantId, string CustomerId) KeyOf((string TenantId, string CustomerId) request) => request;

    protected override async Task<StoredCustomer?[]> ExecuteAsync(IReadOnlyList<(string TenantId, string CustomerId)> batch)
    {
        await using var command = dataSource.CreateCommand(Read);
        command.Parameters.Add(new NpgsqlParameter<string[]>("tenants", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. batch.Select(k => k.TenantId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("customers", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. batch.Select(k => k.CustomerId)] });
        var states = new StoredCustomer?[batch.Count];
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            var index = (int)reader.GetInt64(0) - 1;
            const int offset = 1 + CustomerRows.SnapshotColumnCount;
            states[index] = new StoredCustomer(
                CustomerRows.ReadSnapshot(reader, 1, batch[index].CustomerId, pool),
                reader.IsDBNull(offset) ? null : reader.GetInt64(offset),
                reader.GetInt64(offset + 1),
                CustomerJson.AppliedBackfills(reader.GetString(offset + 2)));
        }

        return states;
    }
}
