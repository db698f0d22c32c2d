using Orleans.Concurrency;

namespace SmartRules.Contracts.Backfills;

/// <summary>
/// One backfill of one tenant (key: <see cref="BackfillKey.Format"/>). It enumerates the tenant's candidate customers
/// from PostgreSQL in keyset pages, hands each page to the customer grains with bounded concurrency, checkpoints after
/// every page, and resumes from the checkpoint after a silo loss (a reminder wakes it).
/// </summary>
[Alias("SmartRules.IBackfillCoordinatorGrain")]
public interface IBackfillCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>Starts the backfill (once: a second call answers the progress of the first).</summary>
    [Alias("Start")]
    Task<BackfillProgress> StartAsync(BackfillRequest request);

    [Alias("Progress"), AlwaysInterleave]
    Task<BackfillProgress?> GetProgressAsync();

    /// <summary><c>false</c> when the backfill had already finished (or never started).</summary>
    [Alias("Cancel"), AlwaysInterleave]
    Task<bool> CancelAsync();

    /// <summary>Progress as it happens, until the backfill finishes.</summary>
    [Alias("Watch"), AlwaysInterleave]
    IAsyncEnumerable<BackfillProgress> WatchAsync(CancellationToken cancellationToken = default);
}

/// <summary>"backfill/&lt;tenant&gt;/&lt;id&gt;": keyed by tenant first, never a global singleton.</summary>
public static class BackfillKey
{
    public static string Format(string tenantId, string backfillId) => $"backfill/{tenantId}/{backfillId}";

    public static (string TenantId, string BackfillId) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split('/');
        return parts.Length == 3 && parts[0] == "backfill" ? (parts[1], parts[2]) : throw new ArgumentException($"'{key}' is not a backfill key.", nameof(key));
    }
}
