using SmartRules.Persistence.Customers;
using Xunit;

namespace SmartRules.Grains.Tests;

/// <summary>The silo's pool of short strings: one instance per value while it has room, never more than its capacity.</summary>
public sealed class StringPoolTests
{
    private static string Fresh(string value) => new(value.AsSpan());

    [Fact]
    public void A_value_is_handed_back_as_the_first_instance_the_pool_kept()
    {
        var pool = new StringPool();
        var first = Fresh("B2B");
        Assert.Same(first, pool.Share(first));
        Assert.Same(first, pool.Share(Fresh("B2B")));
        Assert.Null(pool.Share((string?)null));
    }

    [Fact]
    public void A_long_value_is_not_kept()
    {
        var pool = new StringPool();
        var longValue = new string('x', StringPool.MaxLength + 1);
        Assert.Same(longValue, pool.Share(longValue));
        var again = Fresh(longValue);
        Assert.Same(again, pool.Share(again));
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void A_full_pool_keeps_what_it_has_and_hands_new_values_back_unkept()
    {
        var pool = new StringPool();
        var kept = new string[StringPool.Capacity];
        for (var i = 0; i < kept.Length; i++) kept[i] = pool.Share(Fresh($"value-{i}"));
        Assert.Equal(StringPool.Capacity, pool.Count);

        // New values go back as they came, and are not kept: the next instance of one is not the first.
        var late = Fresh("late");
        Assert.Same(late, pool.Share(late));
        var lateAgain = Fresh("late");
        Assert.Same(lateAgain, pool.Share(lateAgain));
        Assert.Equal(StringPool.Capacity, pool.Count);

        // What it kept it still shares.
        Assert.Same(kept[12_345], pool.Share(Fresh("value-12345")));
    }

    [Fact]
    public async Task Threads_sharing_the_same_values_get_one_instance_and_count_each_value_once()
    {
        var pool = new StringPool();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 5_000).Select(i => pool.Share(Fresh($"v{i}"))).ToArray())));
        for (var i = 0; i < 5_000; i++)
        {
            foreach (var result in results) Assert.Same(results[0][i], result[i]);
        }

        Assert.Equal(5_000, pool.Count);
    }

    [Fact]
    public void Custom_fields_are_shared_name_and_value()
    {
        var pool = new StringPool();
        var segment = pool.Share(Fresh("Segment"));
        var b2b = pool.Share(Fresh("B2B"));
        var shared = pool.Share(new Dictionary<string, string?> { [Fresh("Segment")] = Fresh("B2B"), [Fresh("Note")] = null });
        var (name, value) = shared.Single(f => f.Key == "Segment");
        Assert.Same(segment, name);
        Assert.Same(b2b, value);
        Assert.Null(shared["Note"]);
    }
}
