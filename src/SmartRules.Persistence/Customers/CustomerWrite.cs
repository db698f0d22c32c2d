using SmartRules.Domain.Customers;
using SmartRules.Persistence.Audit;
using SmartRules.Persistence.Notifications;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// One customer's write: its row (the customer, the last sequence applied, the backfills it received), the audit
/// entries and outbox messages of the change, written in the same statement, and the version the row must have now
/// (0: it must not exist yet).
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
    DateTimeOffset At)
{
    public long NewVersion => ExpectedVersion + 1;
}
