using SmartRules.Domain.Customers;
using SmartRules.Persistence.Audit;
using SmartRules.Persistence.Notifications;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// One customer's write: its row (the customer, the last sequence applied, the backfills it received), the audit
/// entries and outbox messages of the change, written in the same statement, and the version the row must have now
/// (0: it must not exist yet; never negative: the batch statement takes a new version of 1 for a creation). <see cref="Stored"/>, when the writer knows them, are the jsonb columns as the row holds them at
/// <see cref="ExpectedVersion"/>: those that would not change are then not sent (the row keeps them), which
/// spares their serialisation here and their parsing in PostgreSQL on most updates. Safe because the write is applied
/// only to the row at that version.
/// </summary>
public sealed record CustomerWrite(
    string TenantId,
    string CustomerId,
    long ExpectedVersion,
    CustomerSnapshot Customer,
    long? LastSequence,
    IReadOnlyList<string> AppliedBackfills,
    AuditChange? Audit,
    IReadOnlyList<OutboxMessage> Outbox,
    DateTimeOffset At,
    StoredColumns? Stored = null)
{
    public long NewVersion => ExpectedVersion + 1;
}
