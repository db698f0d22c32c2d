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

    /// <summary>
    /// Hands every non-excluded customer the predicate selects to <paramref name="visit"/>, in no particular order: an
    /// order by id would walk the whole tenant through the id index (1M random heap reads at 1M customers) instead of
    /// one sequential scan.
    /// </summary>
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
            """;
        command.Parameters.AddWithValue("tenant", tenantId);
        command.CommandTimeout = 300;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            visit(CustomerRows.ReadSnapshot(reader, 1, reader.GetString(0), pool));
        }
    }

    /// <summary>Whether any customer of the tenant (excluded ones included) has the custom field.</summary>
    public async Task<bool> HasCustomFieldAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand("select exists (select 1 from customers where tenant_id = @tenant and custom_fields ? @name)");
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("name", name);
        command.CommandTimeout = 300;
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Of the non-excluded customers, those whose custom field (or name, when <paramref name="customField"/> is null)
    /// is exactly <paramref name="value"/>, and those who have it only in another letter case or with blanks around.
    /// </summary>
    public async Task<(long Exact, long Variants)> TextVariantsAsync(string tenantId, string? customField, string value, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand();
        var column = customField is null ? "name" : "(custom_fields ->> @field)";
        command.CommandText = $"""
            select count(*) filter (where {column} = @value),
                   count(*) filter (where {column} <> @value and lower(btrim({column})) = lower(btrim(@value)))
            from customers where tenant_id = @tenant and not excluded
            """;
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("value", value);
        if (customField is not null) command.Parameters.AddWithValue("field", customField);
        command.CommandTimeout = 300;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The custom-field names the tenant's customers have, with how many customers have each, by name.</summary>
    public async Task<IReadOnlyList<(string Name, long Customers)>> CustomFieldsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand("""
            select k, count(*) from customers, jsonb_object_keys(custom_fields) k
            where tenant_id = @tenant group by k order by k collate "C"
            """);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.CommandTimeout = 300;
        var names = new List<(string, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) names.Add((reader.GetString(0), reader.GetInt64(1)));
        return names;
    }
}
