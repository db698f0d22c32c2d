namespace SmartRules.Persistence.Customers;

/// <summary>One grain's write: its new state, and the version the row must have now (0: it must not exist yet).</summary>
public sealed record CustomerWrite(string TenantId, string CustomerId, long ExpectedVersion, CustomerState State, DateTimeOffset At)
{
    public long NewVersion => ExpectedVersion + 1;
}
