namespace SmartRules.Persistence.Schema;

/// <summary>
/// Which tables a migration belongs to. The cluster database gets both tracks (it is also the customer shard
/// <c>SmartRules</c>); every other customer shard gets only <see cref="Customers"/>. A migration names its track on its
/// first line: <c>-- track: cluster</c> or <c>-- track: customers</c>.
/// </summary>
public enum SchemaTrack
{
    /// <summary>The cluster's own tables: Orleans' membership, reminders and grain storage, the tenant → shard map.</summary>
    Cluster,

    /// <summary>Customer data: customers, their change history (audit), the notification outbox.</summary>
    Customers,
}
