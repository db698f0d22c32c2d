using SmartRules.Contracts.Customers;
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
/// The grain changes it in place and writes it; if the write fails it puts back what it held before (<see cref="Save"/>,
/// <see cref="Restore"/>). In place, not a new copy per update: every object an update leaves behind in a long-lived grain
/// is copied by the next gen0 collection, whose pause grows with them (docs/benchmarks.md, change 20) — the customer's
/// values too, held field by field rather than as the snapshot each change makes (<see cref="HeldCustomer"/>, change 28).
/// <see cref="PendingAudit"/> and <see cref="PendingOutbox"/> are written in the same statement as the row and then
/// emptied, so a change, its audit entries and its notifications are durable together or not at all.
/// </summary>
public sealed class CustomerState
{
    private (string TenantId, string CustomerId)? _key;

    /// <summary>The grain's tenant and customer ids, parsed from its key once per activation (by the storage's read, or
    /// whichever of the grain and its storage asks first) instead of on every write. Not stored.</summary>
    public (string TenantId, string CustomerId) KeyOf(GrainId grain) => _key ??= CustomerKey.Parse(grain.Key.ToString()!);

    /// <summary>The customer's values, held in place (<see cref="HeldCustomer"/>).</summary>
    private HeldCustomer _held;

    /// <summary>The snapshot last set, until <see cref="Settle"/>: the change being written reads it back without a copy.</summary>
    private CustomerSnapshot? _set;

    /// <summary>
    /// <c>null</c> until the customer is created. Held in place: setting it copies the snapshot's values into this state,
    /// and reading it makes a new snapshot of them (the one set, until <see cref="Settle"/>), so read it once per call.
    /// </summary>
    public CustomerSnapshot? Customer
    {
        get => _set ?? _held.ToSnapshot();
        set => (_held, _set) = (new HeldCustomer(value), value);
    }

    /// <summary>
    /// Lets go of the snapshot last set, whose values are held in place: called once a change is written or a read
    /// loaded, so that the grain keeps no object of the call behind it (<see cref="HeldCustomer"/>).
    /// </summary>
    public void Settle() => _set = null;

    /// <summary>Whether the snapshot last set is still referenced (tests: a grain settles each change it writes).</summary>
    internal bool HoldsSnapshot => _set is not null;

    /// <summary>Whether the customer exists (has been created), without making a snapshot.</summary>
    public bool Exists => _held.Exists;

    /// <summary>The highest <c>sequence</c> applied, if the client sends sequences.</summary>
    public long? LastSequence { get; set; }

    /// <summary>The committed version of the row: 0 before the first write, then +1 per write.</summary>
    public long Version { get; set; }

    /// <summary>The jsonb columns as the row holds them at <see cref="Version"/> (<c>null</c> before the first write): a
    /// write does not send again the columns it would leave as they are.</summary>
    public StoredColumns? Stored { get; set; }

    /// <summary>How many applied backfill ids a customer remembers: far more than can run at once for a tenant.</summary>
    public const int AppliedBackfillsKept = 50;

    /// <summary>Backfills whose action this customer has already received, newest last, so a page delivered again
    /// after a silo loss changes nothing.</summary>
    public List<string> AppliedBackfills { get; set; } = [];

    /// <summary>The audit entries of the change being written, or <c>null</c> when it records none.</summary>
    public AuditChange? PendingAudit { get; set; }

    /// <summary>The notifications of the change being written; empty (a shared empty list) when it renders none.</summary>
    public IReadOnlyList<OutboxMessage> PendingOutbox { get; set; } = [];

    /// <summary>What a change may alter before its write: taken before, put back by <see cref="Restore"/> if the write fails.</summary>
    internal Saved Save() => new(_held, LastSequence, AppliedBackfills);

    /// <summary>Puts back the state as it was when <paramref name="saved"/> was taken; nothing is pending any more.</summary>
    internal void Restore(Saved saved)
    {
        (_held, _set, LastSequence, AppliedBackfills) = (saved.Customer, null, saved.LastSequence, saved.AppliedBackfills);
        PendingAudit = null;
        PendingOutbox = [];
    }

    /// <summary>The values <see cref="Save"/> took.</summary>
    internal readonly record struct Saved(HeldCustomer Customer, long? LastSequence, List<string> AppliedBackfills);
}
