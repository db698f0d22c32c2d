namespace SmartRules.Grains.Backfills;

/// <summary>Configuration section <c>SmartRules:Backfills</c>.</summary>
public sealed class BackfillOptions
{
    /// <summary>Customers per page: one query, one checkpoint.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>Customer grains working for one backfill at once.</summary>
    public int Concurrency { get; set; } = 128;

    /// <summary>How often the reminder that resumes a backfill after a silo loss fires (Orleans' minimum is one minute
    /// unless <c>ReminderOptions.MinimumReminderPeriod</c> is lowered, as the tests do).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
