using System.Threading.Channels;
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
/// statement failed (every write of the batch fails, none was acknowledged).
/// </summary>
public sealed partial class CustomerWriteBatcher : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly CustomerStoreOptions _options;
    private readonly ILogger<CustomerWriteBatcher> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] _loops;

    public CustomerWriteBatcher(NpgsqlDataSource dataSource, IOptions<CustomerStoreOptions> options, ILogger<CustomerWriteBatcher> logger)
    {
        _dataSource = dataSource;
        _options = options.Value;
        _logger = logger;
        _loops = Enumerable.Range(0, Math.Max(1, _options.ConcurrentBatches)).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>Raised after every batch with its size and duration (for metrics).</summary>
    public event Action<int, TimeSpan>? BatchWritten;

    internal Task<bool> WriteAsync(CustomerWrite write)
    {
        var pending = new Pending(write, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(_options.MaxBatchSize);
        var keys = new HashSet<(string, string)>();
        var deferred = new List<Pending>();
        while (deferred.Count > 0 || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            keys.Clear();
            // A grain has one write in flight at a time, so one key twice in a queue is rare; the second waits for
            // the next batch, since one statement cannot update a row twice.
            var carried = deferred.ToArray();
            deferred.Clear();
            foreach (var pending in carried) Add(pending);
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var pending)) Add(pending);
            if (batch.Count == 0) continue;

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var written = await ExecuteAsync(batch).ConfigureAwait(false);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult(written.Contains((pending.Write.TenantId, pending.Write.CustomerId)));
                }
            }
            catch (Exception e)
            {
                LogBatchFailed(_logger, e, batch.Count);
                foreach (var pending in batch) pending.Done.TrySetException(e);
            }

            BatchWritten?.Invoke(batch.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        void Add(Pending pending)
        {
            if (keys.Add((pending.Write.TenantId, pending.Write.CustomerId))) batch.Add(pending);
            else deferred.Add(pending);
        }
    }

    private async Task<HashSet<(string, string)>> ExecuteAsync(List<Pending> batch)
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
        var customFields = new string[n];
        var users = new string[n];
        var workflow = new string?[n];
        var methods = new string[n];
        var excluded = new bool[n];
        var sequence = new long?[n];
        var version = new long[n];
        var extra = new string[n];
        var updatedAt = new DateTime[n];
        var audit = new AuditColumns();
        var outbox = new OutboxColumns();

        for (var i = 0; i < n; i++)
        {
            var write = batch[i].Write;
            var state = write.State;
            var c = state.Customer ?? throw new InvalidOperationException("A customer row is written only once the customer exists.");
            tenant[i] = write.TenantId;
            customer[i] = write.CustomerId;
            name[i] = c.Name;
            outstanding[i] = c.OutstandingAmount;
            due[i] = c.DueAmount;
            overdue[i] = c.OverdueAmount;
            rating[i] = c.Rating is { } r ? Ratings.Name(r) : null;
            delay[i] = c.AveragePaymentDelayDays;
            customFields[i] = CustomerJson.CustomFields(c.CustomFields);
            users[i] = CustomerJson.Strings(c.AssignedUsers);
            workflow[i] = c.Workflow;
            methods[i] = CustomerJson.Strings(PaymentMethodNames.ToNames(c.PaymentMethods));
            excluded[i] = c.Excluded;
            sequence[i] = state.LastSequence;
            version[i] = write.NewVersion;
            extra[i] = CustomerJson.Extra(state);
            updatedAt[i] = write.At.UtcDateTime;
            foreach (var entry in state.PendingAudit) audit.Add(write, entry);
            foreach (var message in state.PendingOutbox) outbox.Add(message);
        }

        await using var command = _dataSource.CreateCommand(CustomerSql.WriteBatch);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string[]>("tenant_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = tenant });
        p.Add(new NpgsqlParameter<string[]>("customer_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = customer });
        p.Add(new NpgsqlParameter<string?[]>("name", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = name });
        p.Add(new NpgsqlParameter<decimal[]>("outstanding", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = outstanding });
        p.Add(new NpgsqlParameter<decimal[]>("due", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = due });
        p.Add(new NpgsqlParameter<decimal[]>("overdue", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = overdue });
        p.Add(new NpgsqlParameter<string?[]>("rating", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = rating });
        p.Add(new NpgsqlParameter<decimal?[]>("delay", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = delay });
        p.Add(new NpgsqlParameter<string[]>("custom_fields", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = customFields });
        p.Add(new NpgsqlParameter<string[]>("users", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = users });
        p.Add(new NpgsqlParameter<string?[]>("workflow", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = workflow });
        p.Add(new NpgsqlParameter<string[]>("methods", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = methods });
        p.Add(new NpgsqlParameter<bool[]>("excluded", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = excluded });
        p.Add(new NpgsqlParameter<long?[]>("last_sequence", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = sequence });
        p.Add(new NpgsqlParameter<long[]>("version", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = version });
        p.Add(new NpgsqlParameter<string[]>("extra", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = extra });
        p.Add(new NpgsqlParameter<DateTime[]>("updated_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = updatedAt });
        audit.AddParameters(p);
        outbox.AddParameters(p);

        var written = new HashSet<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            written.Add((reader.GetString(0), reader.GetString(1)));
        }

        return written;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} customer writes failed; none was acknowledged")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    private sealed record Pending(CustomerWrite Write, TaskCompletionSource<bool> Done);
}
