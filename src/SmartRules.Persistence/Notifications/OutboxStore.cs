using Npgsql;

namespace SmartRules.Persistence.Notifications;

/// <summary>
/// The outbox as the dispatcher and the API see it. Claiming a row counts an attempt and leases it (pushes its next
/// attempt into the future) in one statement with <c>for update skip locked</c>, so silos never deliver one row at
/// the same time and a silo that dies mid-delivery leaves the row to be retried once the lease ends.
/// </summary>
public sealed class OutboxStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "tenant_id, notification_id, customer_id, rule_id, rule_version, channel, recipient, subject, body, status, attempts, created_at, sent_at, last_error";

    public async Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            update notification_outbox o
            set attempts = o.attempts + 1, next_attempt_at = now() + @lease
            from (select tenant_id, notification_id from notification_outbox
                  where status = 'pending' and next_attempt_at <= now()
                  order by next_attempt_at limit @limit
                  for update skip locked) due
            where o.tenant_id = due.tenant_id and o.notification_id = due.notification_id
            returning {string.Join(", ", Columns.Split(", ").Select(c => "o." + c))}
            """);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>Marks delivered notifications as sent, all in one statement.</summary>
    public async Task MarkSentAsync(IReadOnlyCollection<OutboxItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0) return;
        await using var command = dataSource.CreateCommand("""
            update notification_outbox o set status = 'sent', sent_at = now(), last_error = null
            from unnest(@tenants::text[], @ids::uuid[]) as sent(tenant_id, notification_id)
            where o.tenant_id = sent.tenant_id and o.notification_id = sent.notification_id
            """);
        command.Parameters.AddWithValue("tenants", items.Select(i => i.TenantId).ToArray());
        command.Parameters.AddWithValue("ids", items.Select(i => i.Id).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a failed attempt: retried after <paramref name="retryAfter"/>, or failed for good when it is <c>null</c>.</summary>
    public async Task MarkAttemptFailedAsync(OutboxItem item, string error, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update notification_outbox
            set status = case when @final then 'failed' else 'pending' end,
                next_attempt_at = now() + @retry_after,
                last_error = @error
            where tenant_id = @tenant and notification_id = @id
            """);
        command.Parameters.AddWithValue("final", retryAfter is null);
        command.Parameters.AddWithValue("retry_after", retryAfter ?? TimeSpan.Zero);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("tenant", item.TenantId);
        command.Parameters.AddWithValue("id", item.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A tenant's notifications, optionally of one customer, oldest first.</summary>
    public async Task<IReadOnlyList<OutboxItem>> ListAsync(string tenantId, string? customerId, int limit, CancellationToken cancellationToken)
    {
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

    private static async Task<IReadOnlyList<OutboxItem>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
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
