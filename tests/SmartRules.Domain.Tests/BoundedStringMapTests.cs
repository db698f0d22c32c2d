using SmartRules.Domain;
using Xunit;

namespace SmartRules.Domain.Tests;

/// <summary>Strings made once per key, up to a capacity; the helper behind the string pool and the audit's field names.</summary>
public sealed class BoundedStringMapTests
{
    private static string Fresh(string value) => new(value.AsSpan());

    [Fact]
    public void A_key_gets_the_string_made_the_first_time()
    {
        var map = new BoundedStringMap(10);
        var made = 0;
        var first = map.GetOrAdd("Plan", k => { made++; return "customFields." + k; });
        var second = map.GetOrAdd(Fresh("Plan"), k => { made++; return "customFields." + k; });
        Assert.Equal("customFields.Plan", first);
        Assert.Same(first, second);
        Assert.Equal(1, made);
        Assert.Equal(1, map.Count);
    }

    [Fact]
    public void A_full_map_keeps_what_it_has_and_makes_new_keys_strings_without_keeping_them()
    {
        var map = new BoundedStringMap(3);
        string[] kept = [map.GetOrAdd("a", static k => k + "!"), map.GetOrAdd("b", static k => k + "!"), map.GetOrAdd("c", static k => k + "!")];
        Assert.Equal(3, map.Count);

        var late = map.GetOrAdd("d", static k => k + "!");
        var lateAgain = map.GetOrAdd("d", static k => k + "!");
        Assert.Equal("d!", late);
        Assert.Equal("d!", lateAgain);
        Assert.NotSame(late, lateAgain);
        Assert.Equal(3, map.Count);
        Assert.Same(kept[1], map.GetOrAdd("b", static k => k + "!"));
    }

    [Fact]
    public async Task Threads_asking_for_the_same_keys_get_one_string_each_counted_once()
    {
        var map = new BoundedStringMap(100_000);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 5_000).Select(i => map.GetOrAdd(Fresh($"k{i}"), static k => k + ".")).ToArray())));
        for (var i = 0; i < 5_000; i++)
        {
            foreach (var result in results) Assert.Same(results[0][i], result[i]);
        }

        Assert.Equal(5_000, map.Count);
    }

    [Fact]
    public void Threads_filling_a_map_at_once_leave_it_near_its_capacity()
    {
        var map = new BoundedStringMap(1_000);
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 2_000; i++) map.GetOrAdd($"{t}-{i}", static k => k);
        });
        // Only threads racing past the last free place can overshoot it, by at most one string each.
        Assert.InRange(map.Count, 1_000, 1_000 + 8);
    }

    [Fact]
    public void A_capacity_is_at_least_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedStringMap(0));
}
