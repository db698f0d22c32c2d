namespace SmartRules.Grains.Backfills;

/// <summary>Configuration section <c>SmartRules:Backfills</c>.</summary>
public sealed class BackfillOptions
{
    /// <summary>Customers per page: one query, one checkpoint.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>
    /// Customer grains working for one backfill at once. Each one waits on two group-commit round trips (its activation's
    /// read and its write), so the rate is about this many divided by those latencies: 128 left the silo idle between
    /// batches (100k customers: 22.9 s; 512 with pages of 1,000: 19.4 s, bench/SmartRules.LoadBench backfill).
    /// </summary>
    public int Concurrency { get; set; } = 512;

    /// <summary>How often the reminder that resumes a backfill after a silo loss fires (Orleans' minimum is one minute
    /// unless <c>ReminderOptions.MinimumReminderPeriod</c> is lowered, as the tests do).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
