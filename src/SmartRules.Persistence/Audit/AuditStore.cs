using System.Text.Json.Nodes;
using Npgsql;
using SmartRules.Contracts.Customers;

using SmartRules.Persistence.Customers;

namespace SmartRules.Persistence.Audit;

/// <summary>
/// A customer's full audit trail, newest last, in pages, entry by entry (the <c>customer_audit</c> view over the
/// one-row-per-change table).
/// </summary>
public sealed class AuditStore(ICustomerDatabases databases)
{
    private const string Columns = "at, kind, rule_id, rule_version, trigger, before::text, after::text, note";

    /// <summary>The newest <paramref name="count"/> entries, oldest first.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ListRecentAsync(string tenantId, string customerId, int count, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand($"""
            select {Columns} from (
                select * from customer_audit
                where tenant_id = @tenant and customer_id = @customer
                order by entry_id desc limit @limit) newest
            order by entry_id
            """);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("customer", customerId);
        command.Parameters.AddWithValue("limit", count);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ListAsync(string tenantId, string customerId, long afterEntryId, int limit, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand($"""
            select {Columns}
            from customer_audit
            where tenant_id = @tenant and customer_id = @customer and entry_id > @after
            order by entry_id limit @limit
            """);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("customer", customerId);
        command.Parameters.AddWithValue("after", afterEntryId);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<AuditRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? CreationDefaults(reader.GetString(6)) : reader.GetString(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return records;
    }

    /// <summary>
    /// The values before a creation, which its entry does not store: every field of <paramref name="afterJson"/> at the
    /// new-customer default (amounts 0, users and payment methods empty, not excluded, anything else unset).
    /// </summary>
    private static string CreationDefaults(string afterJson)
    {
        var before = new JsonObject();
        foreach (var (field, _) in JsonNode.Parse(afterJson)!.AsObject())
        {
            before[field] = field switch
            {
                "outstandingAmount" or "dueAmount" or "overdueAmount" => JsonValue.Create(0),
                "assignedUsers" or "paymentMethods" => new JsonArray(),
                "excluded" => JsonValue.Create(false),
                _ => null,
            };
        }

        return before.ToJsonString();
    }
}
