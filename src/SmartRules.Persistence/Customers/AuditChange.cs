namespace SmartRules.Persistence.Customers;

/// <summary>
/// One change's audit entries, serialised once (UTF-8) as the JSON array that its row of <c>customer_changes</c> stores
/// (as these bytes, bytea: see migrations 0004 and 0006; the <c>customer_audit</c> view answers them entry by entry).
/// </summary>
public sealed record AuditChange(DateTimeOffset At, byte[] EntriesJson);
