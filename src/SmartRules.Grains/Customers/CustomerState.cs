using SmartRules.Domain.Customers;
using SmartRules.Persistence.Audit;
using SmartRules.Persistence.Customers;
using SmartRules.Persistence.Notifications;

namespace SmartRules.Grains.Customers;

/// <summary>
/// A customer grain's persistent state, stored as one row of <c>customers</c> by <see cref="CustomerGrainStorage"/>
/// (as a <see cref="CustomerWrite"/>; read back as a <see cref="StoredCustomer"/>).
/// Audit entries are not kept in memory once written: they are in <c>customer_audit</c>, and keeping even a few
/// (a creation entry lists every field twice) would cost more than the rest of the grain.
/// The grain treats it as a value: it builds the next state, writes it, and keeps the previous one if the write fails.
/// <see cref="PendingAudit"/> and <see cref="PendingOutbox"/> are written in the same statement as the row and then
/// emptied, so a change, its audit entries and its notifications are durable together or not at all.
/// </summary>
public sealed class CustomerState
{
    /// <summary><c>null</c> until the customer is created.</summary>
    public CustomerSnapshot? Customer { get; set; }

    /// <summary>The highest <c>sequence</c> applied, if the client sends sequences.</summary>
    public long? LastSequence { get; set; }

    /// <summary>The committed version of the row: 0 before the first write, then +1 per write.</summary>
    public long Version { get; set; }

    /// <summary>The customer as its row holds it at <see cref="Version"/> (<c>null</c> before the first write): a write
    /// does not send again the columns it would leave as they are.</summary>
    public CustomerSnapshot? Stored { get; set; }

    /// <summary>How many applied backfill ids a customer remembers: far more than can run at once for a tenant.</summary>
    public const int AppliedBackfillsKept = 50;

    /// <summary>Backfills whose action this customer has already received, newest last, so a page delivered again
    /// after a silo loss changes nothing.</summary>
    public List<string> AppliedBackfills { get; set; } = [];

    /// <summary>The audit entries of the change being written, or <c>null</c> when it records none.</summary>
    public AuditChange? PendingAudit { get; set; }

    public List<OutboxMessage> PendingOutbox { get; set; } = [];

    /// <summary>A copy to build the next state on; pending lists start empty.</summary>
    public CustomerState Next() => new()
    {
        Customer = Customer,
        LastSequence = LastSequence,
        Version = Version,
        Stored = Stored,
        AppliedBackfills = AppliedBackfills,
    };
}
