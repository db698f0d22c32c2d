using Npgsql;

namespace SmartRules.Persistence.Notifications;

/// <summary>
/// One database's outbox as the dispatcher sees it. Claiming a row counts an attempt and leases it (pushes its next
/// attempt into the future) in one statement with <c>for update skip locked</c>, so silos never deliver one row at
/// the same time and a silo that dies mid-delivery leaves the row to be retried once the lease ends.
/// </summary>
public sealed class OutboxDelivery(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            update notification_outbox o
            set attempts = o.attempts + 1, next_attempt_at = now() + @lease
            from (select tenant_id, customer_id, notification_id from notification_outbox
                  where status = 'pending' and next_attempt_at <= now()
                  order by next_attempt_at limit @limit
                  for update skip locked) due
            where o.tenant_id = due.tenant_id and o.customer_id = due.customer_id and o.notification_id = due.notification_id
            returning {string.Join(", ", OutboxStore.Columns.Split(", ").Select(c => "o." + c))}
            """);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("limit", limit);
        return await OutboxStore.ReadAsync(command, cancellationToken);
    }

    /// <summary>Marks delivered notifications as sent, all in one statement.</summary>
    public async Task MarkSentAsync(IReadOnlyCollection<OutboxItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0) return;
        await using var command = dataSource.CreateCommand("""
            update notification_outbox o set status = 'sent', sent_at = now(), last_error = null
            from unnest(@tenants::text[], @customers::text[], @ids::uuid[]) as sent(tenant_id, customer_id, notification_id)
            where o.tenant_id = sent.tenant_id and o.customer_id = sent.customer_id and o.notification_id = sent.notification_id
            """);
        command.Parameters.AddWithValue("tenants", items.Select(i => i.TenantId).ToArray());
        command.Parameters.AddWithValue("customers", items.Select(i => i.CustomerId).ToArray());
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
            where tenant_id = @tenant and customer_id = @customer and notification_id = @id
            """);
        command.Parameters.AddWithValue("final", retryAfter is null);
        command.Parameters.AddWithValue("retry_after", retryAfter ?? TimeSpan.Zero);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("tenant", item.TenantId);
        command.Parameters.AddWithValue("customer", item.CustomerId);
        command.Parameters.AddWithValue("id", item.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
