using System.Diagnostics;
using Npgsql;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// What a streaming scenario's database says against the replay of every acknowledged update through
/// SmartRules.Domain (<see cref="ReplayModel"/>): each customer's state and sequence, its audit entries by kind and rule,
/// its notifications by channel, the lines the cluster refused; and each webhook delivered once (a repeat carries the
/// same Idempotency-Key). Waits for the outbox to drain first: notifications go out after the commit.
/// </summary>
public sealed record StreamVerdict(IReadOnlyList<string> Mismatches, long Firings, long Notifications, long Excluded, int WebhookRows, int WebhooksDelivered, int RepeatedDeliveries)
{
    public static async Task<StreamVerdict> CheckAsync(string connectionString, string tenant, ReplayModel model, StreamLoad load, WebhookReceiver webhooks)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var drain = Stopwatch.StartNew();
        while (true)
        {
            await using var pending = new NpgsqlCommand("select count(*) from notification_outbox where tenant_id = @tenant and status <> 'sent'", connection);
            pending.Parameters.AddWithValue("tenant", tenant);
            if ((long)(await pending.ExecuteScalarAsync())! == 0) break;
            if (drain.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the outbox did not drain within 60 s");
            await Task.Delay(250);
        }

        var rows = new Dictionary<string, (string State, long? Sequence)>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("""
            select customer_id, name, outstanding_amount, rating, average_payment_delay_days, custom_fields::text, assigned_users::text,
                   workflow, payment_methods::text, excluded, last_sequence
            from customers where tenant_id = @tenant
            """, connection))
        {
            read.Parameters.AddWithValue("tenant", tenant);
            await using var row = await read.ExecuteReaderAsync();
            while (await row.ReadAsync())
            {
                var fields = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString(5))!;
                var users = System.Text.Json.JsonSerializer.Deserialize<string[]>(row.GetString(6))!;
                var methods = System.Text.Json.JsonSerializer.Deserialize<string[]>(row.GetString(8))!;
                rows[row.GetString(0)] = (ReplayModel.Canonical(
                    row.IsDBNull(1) ? null : row.GetString(1), row.GetDecimal(2), row.IsDBNull(3) ? null : row.GetString(3),
                    row.IsDBNull(4) ? null : row.GetDecimal(4), fields, users, row.IsDBNull(7) ? null : row.GetString(7), methods, row.GetBoolean(9)),
                    row.IsDBNull(10) ? null : row.GetInt64(10));
            }
        }

        var audit = await CountsAsync(connection, tenant, "select customer_id, kind, coalesce(rule_id, ''), count(*) from customer_audit where tenant_id = @tenant group by 1, 2, 3");
        var outbox = await CountsAsync(connection, tenant, "select customer_id, channel, '', count(*) from notification_outbox where tenant_id = @tenant group by 1, 2");

        var mismatches = new List<string>();
        long firings = 0, notifications = 0, excluded = 0;
        foreach (var (customer, updates) in load.Acknowledged)
        {
            var replay = model.Run(customer, updates);
            if (!rows.TryGetValue(customer, out var stored))
            {
                mismatches.Add($"{customer}: acknowledged but not stored");
                continue;
            }

            var expected = ReplayModel.Canonical(replay.Customer!);
            if (stored.State != expected) mismatches.Add($"{customer}: stored {stored.State}\n    replay {expected}");
            if (stored.Sequence != replay.LastSequence) mismatches.Add($"{customer}: stored sequence {stored.Sequence}, replay {replay.LastSequence}");
            foreach (var ((kind, rule), count) in replay.Audit)
            {
                if (audit.GetValueOrDefault((customer, kind, rule ?? "")) != count) mismatches.Add($"{customer}: {audit.GetValueOrDefault((customer, kind, rule ?? ""))} audit entries {kind} {rule}, replay {count}");
            }

            if (audit.Where(a => a.Key.Customer == customer).Sum(a => a.Value) != replay.Audit.Values.Sum()) mismatches.Add($"{customer}: audit entries the replay does not have");
            foreach (var (channel, count) in replay.Notifications)
            {
                if (outbox.GetValueOrDefault((customer, channel, "")) != count) mismatches.Add($"{customer}: {outbox.GetValueOrDefault((customer, channel, ""))} {channel} notifications, replay {count}");
            }

            if (outbox.Where(o => o.Key.Customer == customer).Sum(o => o.Value) != replay.Notifications.Values.Sum()) mismatches.Add($"{customer}: notifications the replay does not have");
            var refusedByCluster = load.Rejected.Keys.Where(k => k.Customer == customer).Select(k => k.Sequence).Order().ToList();
            if (!refusedByCluster.SequenceEqual(replay.Refused)) mismatches.Add($"{customer}: cluster refused [{string.Join(",", refusedByCluster)}], replay [{string.Join(",", replay.Refused)}]");
            firings += replay.Audit.Where(a => a.Key.Kind == "ruleFired").Sum(a => a.Value);
            notifications += replay.Notifications.Values.Sum();
            if (replay.Customer!.Excluded) excluded++;
        }

        var deliveries = webhooks.Received.Where(r => r.Accepted).GroupBy(r => r.IdempotencyKey).ToList();
        return new StreamVerdict(
            mismatches, firings, notifications, excluded,
            outbox.Where(o => o.Key.Kind == "webhook").Sum(o => o.Value), deliveries.Count, deliveries.Sum(d => d.Count() - 1));
    }

    public string Summary =>
        $"replay: {Firings:N0} rule firings, {Notifications:N0} notifications ({WebhookRows:N0} webhooks: {WebhooksDelivered:N0} delivered, {RepeatedDeliveries} repeated deliveries), {Excluded} customers excluded; mismatches: {Mismatches.Count}";

    /// <summary>The usual guarantees: nothing acknowledged lost or applied twice, each notification once, and a workload that exercised the rules.</summary>
    public void AssertHolds()
    {
        Assert.True(Mismatches.Count == 0, string.Join("\n", Mismatches.Take(20)));
        Assert.Equal(WebhookRows, WebhooksDelivered);
        Assert.True(Firings > 1000 && Excluded > 0 && WebhookRows > 0, "the workload did not exercise the rules");
    }

    private static async Task<Dictionary<(string Customer, string Kind, string Rule), int>> CountsAsync(NpgsqlConnection connection, string tenant, string sql)
    {
        var counts = new Dictionary<(string, string, string), int>();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("tenant", tenant);
        await using var row = await command.ExecuteReaderAsync();
        while (await row.ReadAsync()) counts[(row.GetString(0), row.GetString(1), row.GetString(2))] = (int)row.GetInt64(3);
        return counts;
    }
}
