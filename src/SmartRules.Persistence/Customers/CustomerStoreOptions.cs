namespace SmartRules.Persistence.Customers;

public sealed class CustomerStoreOptions
{
    /// <summary>The most customer writes one statement carries.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>How many batches may be in flight at once (each on its own connection). Two keep the database busy
    /// while the next batch gathers; more mostly add lock and WAL contention on a small machine.</summary>
    public int ConcurrentBatches { get; set; } = 2;
}
