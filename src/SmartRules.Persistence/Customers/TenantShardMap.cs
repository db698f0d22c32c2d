using Npgsql;

namespace SmartRules.Persistence.Customers;

/// <summary>The tenant → customer shard table (<c>tenant_shards</c>) of the cluster database.</summary>
public sealed class TenantShardMap(NpgsqlDataSource clusterDataSource)
{
    /// <summary>The shard recorded for the tenant; <c>null</c> when none is (a tenant from before shards: the cluster database).</summary>
    public async Task<string?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = clusterDataSource.CreateCommand("select shard from tenant_shards where tenant_id = @tenant");
        command.Parameters.AddWithValue("tenant", tenantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>
    /// Records the tenant's shard. Called only while the tenant is being created (by its grain, one call at a time),
    /// before it has data anywhere, so replacing a row left by an earlier attempt that failed moves nothing.
    /// </summary>
    public async Task RecordAsync(string tenantId, string shard, CancellationToken cancellationToken)
    {
        await using var command = clusterDataSource.CreateCommand("""
            insert into tenant_shards (tenant_id, shard) values (@tenant, @shard)
            on conflict (tenant_id) do update set shard = excluded.shard, created_at = now()
            """);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("shard", shard);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
