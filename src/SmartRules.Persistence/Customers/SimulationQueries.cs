using Npgsql;
using SmartRules.Domain.Customers;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// What simulate and dry runs read of a tenant's customers, on the queryable <c>customers</c> table of the tenant's
/// database (<see cref="ICustomerDatabases"/>): counts in one scan, then the candidate rows themselves, streamed, for the
/// domain to run on. Read-only; no grain is activated.
/// </summary>
public sealed class SimulationQueries(ICustomerDatabases databases, StringPool pool)
{
    /// <summary>One scan: every customer, the excluded ones, and the non-excluded ones each predicate selects.</summary>
    public async Task<(long Total, long Excluded, long[] Selected)> CountAsync(
        string tenantId, IReadOnlyList<Func<NpgsqlParameterCollection, string>> predicates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicates);
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand();
        var filters = string.Concat(predicates.Select(p => $", count(*) filter (where not excluded and {p(command.Parameters)})"));
        command.CommandText = $"select count(*), count(*) filter (where excluded){filters} from customers where tenant_id = @tenant";
        command.Parameters.AddWithValue("tenant", tenantId);
        command.CommandTimeout = 300;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var selected = new long[predicates.Count];
        for (var i = 0; i < selected.Length; i++) selected[i] = reader.GetInt64(2 + i);
        return (reader.GetInt64(0), reader.GetInt64(1), selected);
    }

    /// <summary>Hands every non-excluded customer the predicate selects to <paramref name="visit"/>, in id order.</summary>
    public async Task ForEachAsync(
        string tenantId, Func<NpgsqlParameterCollection, string> predicate, Action<CustomerSnapshot> visit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(visit);
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand();
        command.CommandText = $"""
            select customer_id, {CustomerRows.SnapshotColumns}
            from customers
            where tenant_id = @tenant and not excluded and {predicate(command.Parameters)}
            order by customer_id
            """;
        command.Parameters.AddWithValue("tenant", tenantId);
        command.CommandTimeout = 300;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            visit(CustomerRows.ReadSnapshot(reader, 1, reader.GetString(0), pool));
        }
    }
}
