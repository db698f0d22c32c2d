using SmartRules.Domain.Customers;
using Npgsql;
using SmartRules.Domain.Rules.Conditions;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Lists and counts a tenant's customers on the <c>customers</c> table — the same rows the grains write, so a query
/// never disagrees with what a grain acknowledged. Lists are keyset-paged by customer id.
/// </summary>
public sealed class CustomerQueries(ICustomerDatabases databases, StringPool pool)
{
    public async Task<(IReadOnlyList<(CustomerSnapshot Customer, long Version)> Items, string? LastId, bool More)> ListAsync(
        string tenantId, IReadOnlyList<Condition> conditions, string? after, int limit, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand();
        var where = CustomerFilterSql.Where(conditions, command.Parameters);
        command.CommandText = $"""
            select customer_id, version, {CustomerRows.SnapshotColumns}
            from customers
            where {where} and (@after::text is null or customer_id > @after)
            order by customer_id
            limit @limit
            """;
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.Add(new NpgsqlParameter<string?>("after", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = after });
        command.Parameters.AddWithValue("limit", limit + 1);
        var items = new List<(CustomerSnapshot Customer, long Version)>(limit);
        var more = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == limit)
            {
                more = true;
                break;
            }

            var id = reader.GetString(0);
            items.Add((CustomerRows.ReadSnapshot(reader, 2, id, pool), reader.GetInt64(1)));
        }

        return (items, items.Count > 0 ? items[^1].Customer.Id : null, more);
    }

    public async Task<(long Count, IReadOnlyList<string> Sample)> CountAsync(
        string tenantId, IReadOnlyList<Condition> conditions, int sampleSize, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand();
        var where = CustomerFilterSql.Where(conditions, command.Parameters);
        command.CommandText = $"""
            select count(*) from customers where {where};
            select customer_id from customers where {where} order by customer_id limit @sample;
            """;
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("sample", sampleSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var sample = new List<string>(sampleSize);
        while (await reader.ReadAsync(cancellationToken)) sample.Add(reader.GetString(0));
        return (count, sample);
    }
}
