using Npgsql;

using SmartRules.Persistence.Customers;

namespace SmartRules.Persistence.Notifications;

/// <summary>The outbox as the API sees it: a tenant's notifications. The dispatcher's side is <see cref="OutboxDelivery"/>.</summary>
public sealed class OutboxStore(ICustomerDatabases databases)
{
    internal const string Columns = "tenant_id, notification_id, customer_id, rule_id, rule_version, channel, recipient, subject, body, status, attempts, created_at, sent_at, last_error";

    /// <summary>A tenant's notifications, optionally of one customer, oldest first.</summary>
    public async Task<IReadOnlyList<OutboxItem>> ListAsync(string tenantId, string? customerId, int limit, CancellationToken cancellationToken)
    {
        var dataSource = (await databases.ForTenantAsync(tenantId, cancellationToken).ConfigureAwait(false)).DataSource;
        await using var command = dataSource.CreateCommand($"""
            select {Columns} from notification_outbox
            where tenant_id = @tenant and (@customer::text is null or customer_id = @customer)
            order by created_at, notification_id limit @limit
            """);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.Add(new NpgsqlParameter<string?>("customer", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = customerId });
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken);
    }

    internal static async Task<IReadOnlyList<OutboxItem>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var items = new List<OutboxItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new OutboxItem(
                reader.GetString(0),
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetString(8),
                reader.GetString(9),
                reader.GetInt32(10),
                reader.GetFieldValue<DateTimeOffset>(11),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                reader.IsDBNull(13) ? null : reader.GetString(13)));
        }

        return items;
    }
}
