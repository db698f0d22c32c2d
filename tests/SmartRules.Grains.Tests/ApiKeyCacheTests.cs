using Microsoft.Extensions.Time.Testing;
using SmartRules.Grains.Tenants;

namespace SmartRules.Grains.Tests;

/// <summary>
/// The silo's accepted API keys: trusted for a minute, refused at once when revoked (even by a check that was under
/// way), and forgotten when no longer used, within a bound however many keys are tried.
/// </summary>
public sealed class ApiKeyCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void An_accepted_key_is_trusted_for_a_minute()
    {
        using var cache = new ApiKeyCache(_time);
        cache.Remember("h1");
        Assert.True(cache.IsAccepted("h1"));
        Assert.False(cache.IsAccepted("h2"));

        _time.Advance(ApiKeyCache.AcceptFor - TimeSpan.FromSeconds(1));
        Assert.True(cache.IsAccepted("h1"));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(cache.IsAccepted("h1"));
    }

    [Fact]
    public void A_revoked_key_is_refused_at_once_and_a_check_under_way_does_not_bring_it_back()
    {
        using var cache = new ApiKeyCache(_time);
        cache.Remember("h1");
        cache.Remember("h2");

        cache.Revoke(["h1"]);
        Assert.False(cache.IsAccepted("h1"));
        Assert.True(cache.IsAccepted("h2"));

        cache.Remember("h1"); // the tenant grain said yes just before the revocation
        Assert.False(cache.IsAccepted("h1"));
    }

    [Fact]
    public async Task Keys_no_longer_used_are_forgotten()
    {
        using var cache = new ApiKeyCache(_time);
        for (var i = 0; i < 1000; i++) cache.Remember("h" + i);
        Assert.Equal(1000, cache.Count);

        _time.Advance(TimeSpan.FromMinutes(2));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (cache.Count > 0 && DateTime.UtcNow < deadline)
        {
            Assert.False(cache.IsAccepted("h-other")); // any use lets the cache sweep what has expired
            await Task.Delay(10);
        }

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Many_keys_tried_at_once_hold_no_more_than_the_capacity()
    {
        using var cache = new ApiKeyCache(_time, capacity: 100);
        for (var i = 0; i < 1000; i++) cache.Remember("h" + i);

        Assert.InRange(cache.Count, 1, 100);
    }

    [Fact]
    public async Task A_check_that_ends_while_the_key_is_being_revoked_does_not_bring_it_back()
    {
        var failures = 0;
        for (var round = 0; round < 20_000; round++)
        {
            using var cache = new ApiKeyCache(TimeProvider.System);
            using var start = new Barrier(2);
            var remember = Task.Run(() => { start.SignalAndWait(); cache.Remember("h"); });
            var revoke = Task.Run(() => { start.SignalAndWait(); cache.Revoke(["h"]); });
            await Task.WhenAll(remember, revoke);
            if (cache.IsAccepted("h")) failures++;
        }

        Assert.Equal(0, failures);
    }
}
