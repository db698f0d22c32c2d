using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace SmartRules.Grains.Tenants;

/// <summary>
/// The silo's accepted tenant keys (by hash), remembered for a minute so that a stream of requests asks the tenant
/// grain once a minute. A revocation is pushed here by the tenant grain (<see cref="SiloCacheGrain"/>) before the
/// DELETE answers; a hash revoked a moment ago is not remembered again by a check that was already under way.
/// </summary>
/// <remarks>
/// Both sets are <see cref="MemoryCache"/>s: entries expire on their own and are swept when the cache is used, and the
/// accepted set holds at most <c>capacity</c> keys (past it a key is not remembered, so it is checked again, until
/// compaction frees room). The revoked set has no bound: it only grows with revocations, each kept ten minutes.
/// </remarks>
public sealed class ApiKeyCache : IDisposable
{
    /// <summary>How long an accepted key is trusted without asking the tenant grain again.</summary>
    public static readonly TimeSpan AcceptFor = TimeSpan.FromMinutes(1);

    public const int DefaultCapacity = 100_000;

    // A verification that began before a revocation may end after it: its answer must not bring the key back.
    private static readonly TimeSpan RememberRevoked = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _accepted;
    private readonly MemoryCache _revoked;

    public ApiKeyCache(TimeProvider time)
        : this(time, DefaultCapacity)
    {
    }

    internal ApiKeyCache(TimeProvider time, int capacity)
    {
        var clock = new Clock(time);
        _accepted = new MemoryCache(new MemoryCacheOptions { Clock = clock, SizeLimit = capacity });
        _revoked = new MemoryCache(new MemoryCacheOptions { Clock = clock });
    }

    internal int Count => _accepted.Count;

    public bool IsAccepted(string hash) => _accepted.TryGetValue(hash, out _);

    public void Remember(string hash)
    {
        if (_revoked.TryGetValue(hash, out _)) return;
        _accepted.Set(hash, true, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = AcceptFor, Size = 1 });
        // A revocation that landed between the check above and the line before has already removed what it saw;
        // this removes what it could not see yet. (Revoke marks before it removes, so one of the two sees the other.)
        if (_revoked.TryGetValue(hash, out _)) _accepted.Remove(hash);
    }

    public void Revoke(IEnumerable<string> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        foreach (var hash in hashes)
        {
            _revoked.Set(hash, true, RememberRevoked);
            _accepted.Remove(hash);
        }
    }

    public void Dispose()
    {
        _accepted.Dispose();
        _revoked.Dispose();
    }

    /// <summary>MemoryCache keeps time through <see cref="ISystemClock"/>; this is the silo's <see cref="TimeProvider"/>.</summary>
    private sealed class Clock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
