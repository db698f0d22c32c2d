using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SmartRules.Domain.Customers;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Group commit for customer state. Writes from many grains queue here; each of a few loops takes whatever has
/// queued (up to <see cref="CustomerStoreOptions.MaxBatchSize"/>) and writes it with one statement — the customer
/// rows with their version check, their audit entries and their outbox rows — so one round trip and one commit serve
/// the whole batch. Every caller is released only after the commit: with <c>true</c> when its row was written,
/// <c>false</c> when its expected version did not match (only that write fails), or with the exception when the
/// statement failed (none of it was committed; a row the database refuses as bad data is found by splitting the batch,
/// so only its own write fails; any other error fails every write of the batch).
/// </summary>
public sealed class CustomerWriteBatcher(NpgsqlDataSource dataSource, IOptions<CustomerStoreOptions> options, ILogger<CustomerWriteBatcher> logger)
    : GroupBatcher<CustomerWrite, bool>(options.Value.MaxBatchSize, options.Value.ConcurrentBatches, logger)
{
    public Task<bool> WriteAsync(CustomerWrite write) => EnqueueAsync(write);

    protected override (string TenantId, string CustomerId) KeyOf(CustomerWrite request) => (request.TenantId, request.CustomerId);

    /// <summary>Data exceptions (SQLSTATE class 22) and integrity violations (23) are about a row, not the database.</summary>
    protected override bool MayBeOneRequestsFault(Exception exception) =>
        exception is PostgresException { SqlState: ['2', '2' or '3', ..] };

    /// <summary>Writes the batch; whether each write was applied, in the batch's order.</summary>
    protected override async Task<bool[]> ExecuteAsync(IReadOnlyList<CustomerWrite> batch)
    {
        var n = batch.Count;
        var tenant = new string[n];
        var customer = new string[n];
        var name = new string?[n];
        var outstanding = new decimal[n];
        var due = new decimal[n];
        var overdue = new decimal[n];
        var rating = new string?[n];
        var delay = new decimal?[n];
        var customFields = new byte[]?[n];
        var users = new byte[]?[n];
        var workflow = new string?[n];
        var methods = new byte[]?[n];
        var excluded = new bool[n];
        var sequence = new long?[n];
        var version = new long[n];
        var extra = new string[n];
        var updatedAt = new DateTime[n];
        var audit = new AuditColumns(n);
        var outbox = new OutboxColumns(n);

        for (var i = 0; i < n; i++)
        {
            var write = batch[i];
            var c = write.Customer;
            tenant[i] = write.TenantId;
            customer[i] = write.CustomerId;
            name[i] = c.Name;
            outstanding[i] = c.OutstandingAmount;
            due[i] = c.DueAmount;
            overdue[i] = c.OverdueAmount;
            rating[i] = c.Rating is { } r ? Ratings.Name(r) : null;
            delay[i] = c.AveragePaymentDelayDays;
            // null: the row keeps what it has (the statement's coalesce), because the stored customer has the same. Users
            // by reference: UserSet's equality ignores case, and a new spelling must still be written.
            var stored = write.Stored;
            customFields[i] = stored is { } sc && sc.CustomFields.Equals(c.CustomFields) ? null : CustomerJson.CustomFields(c.CustomFields);
            users[i] = stored is { } su && ReferenceEquals(su.AssignedUsers, c.AssignedUsers) ? null : CustomerJson.Strings(c.AssignedUsers);
            workflow[i] = c.Workflow;
            methods[i] = stored is { } sm && sm.PaymentMethods == c.PaymentMethods ? null : CustomerJson.Strings(PaymentMethodNames.ToNames(c.PaymentMethods));
            excluded[i] = c.Excluded;
            sequence[i] = write.LastSequence;
            version[i] = write.NewVersion;
            extra[i] = CustomerJson.Extra(write.AppliedBackfills);
            updatedAt[i] = write.At.UtcDateTime;
            // The statement numbers the batch's rows from 1 (with ordinality): the change and outbox rows name theirs.
            var ord = i + 1L;
            if (write.Audit is { } change) audit.Add(ord, change);
            var messages = write.Outbox;
            for (var m = 0; m < messages.Count; m++)
            {
                Debug.Assert(messages[m].TenantId == write.TenantId && messages[m].CustomerId == write.CustomerId, "A customer's write carries only its own notifications.");
                outbox.Add(ord, messages[m]);
            }
        }

        await using var command = dataSource.CreateCommand(CustomerSql.WriteBatch);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string[]>("tenant_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = tenant });
        p.Add(new NpgsqlParameter<string[]>("customer_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = customer });
        p.Add(new NpgsqlParameter<string?[]>("name", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = name });
        p.Add(new NpgsqlParameter<decimal[]>("outstanding", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = outstanding });
        p.Add(new NpgsqlParameter<decimal[]>("due", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = due });
        p.Add(new NpgsqlParameter<decimal[]>("overdue", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = overdue });
        p.Add(new NpgsqlParameter<string?[]>("rating", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = rating });
        p.Add(new NpgsqlParameter<decimal?[]>("delay", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = delay });
        p.Add(new NpgsqlParameter<byte[]?[]>("custom_fields", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = customFields });
        p.Add(new NpgsqlParameter<byte[]?[]>("users", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = users });
        p.Add(new NpgsqlParameter<string?[]>("workflow", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = workflow });
        p.Add(new NpgsqlParameter<byte[]?[]>("methods", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = methods });
        p.Add(new NpgsqlParameter<bool[]>("excluded", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = excluded });
        p.Add(new NpgsqlParameter<long?[]>("last_sequence", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = sequence });
        p.Add(new NpgsqlParameter<long[]>("version", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = version });
        p.Add(new NpgsqlParameter<string[]>("extra", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = extra });
        p.Add(new NpgsqlParameter<DateTime[]>("updated_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = updatedAt });
        audit.AddParameters(p);
        outbox.AddParameters(p);

        var written = new bool[n];
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            written[reader.GetInt64(0) - 1] = true;
        }

        return written;
    }
}
