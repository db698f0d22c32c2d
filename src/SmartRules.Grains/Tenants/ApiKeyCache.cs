using System.Collections.Concurrent;

namespace SmartRules.Grains.Tenants;

/// <summary>
/// The silo's accepted tenant keys (by hash), remembered for a minute so that a stream of requests asks the tenant
/// grain once a minute. A revocation is pushed here by the tenant grain (<see cref="SiloCacheGrain"/>) before the
/// DELETE answers; a hash revoked a moment ago is not remembered again by a check that was already under way.
/// </summary>
public sealed class ApiKeyCache(TimeProvider time)
{
    /// <summary>How long an accepted key is trusted without asking the tenant grain again.</summary>
    public static readonly TimeSpan AcceptFor = TimeSpan.FromMinutes(1);

    // A verification that began before a revocation may end after it: its answer must not bring the key back.
    private static readonly TimeSpan RememberRevoked = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _accepted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);

    public bool IsAccepted(string hash) => _accepted.TryGetValue(hash, out var until) && until > time.GetUtcNow();

    public void Remember(string hash)
    {
        var now = time.GetUtcNow();
        if (_revoked.TryGetValue(hash, out var revokedAt) && now - revokedAt < RememberRevoked) return;
        _accepted[hash] = now + AcceptFor;
    }

    public void Revoke(IEnumerable<string> hashes)
    {
        var now = time.GetUtcNow();
        foreach (var hash in hashes)
        {
            _revoked[hash] = now;
            _accepted.TryRemove(hash, out _);
        }

        foreach (var (hash, revokedAt) in _revoked)
        {
            if (now - revokedAt >= RememberRevoked) _revoked.TryRemove(hash, out _);
        }
    }
}
