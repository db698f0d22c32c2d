using Npgsql;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// The candidates of a backfill, from the customers table: non-excluded customers of one tenant that satisfy a
/// predicate (built by <see cref="CustomerFilterSql"/>), counted, and listed in keyset pages of ids.
/// </summary>
public sealed class BackfillQueries(ICustomerDatabases databases)
{
    public async Task<long> CountAsync(string tenantId, Func<NpgsqlParameterCollection, string> predicate, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand();
        command.CommandText = $"select count(*) from customers where tenant_id = @tenant and not excluded and {predicate(command.Parameters)}";
        command.Parameters.AddWithValue("tenant", tenantId);
        command.CommandTimeout = 300;
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<string>> PageAsync(string tenantId, Func<NpgsqlParameterCollection, string> predicate, string? after, int size, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand();
        command.CommandText = $"""
            select customer_id from customers
            where tenant_id = @tenant and not excluded and {predicate(command.Parameters)} and (@after::text is null or customer_id > @after)
            order by customer_id limit @size
            """;
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.Add(new NpgsqlParameter<string?>("after", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = after });
        command.Parameters.AddWithValue("size", size);
        command.CommandTimeout = 300;
        var ids = new List<string>(size);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        return ids;
    }
}
