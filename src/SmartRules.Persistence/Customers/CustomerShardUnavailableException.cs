namespace SmartRules.Persistence.Customers;

/// <summary>
/// A tenant's customer data cannot be reached: its shard is not configured on this silo, or the shard's schema could
/// not be brought up to date because the server cannot be reached. The API answers it 503 with Retry-After, like any
/// other outage (Failures.cs in the server); nothing was read or changed.
/// </summary>
public sealed class CustomerShardUnavailableException : Exception
{
    public CustomerShardUnavailableException()
    {
    }

    public CustomerShardUnavailableException(string message)
        : base(message)
    {
    }

    public CustomerShardUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
