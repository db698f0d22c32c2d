using System.Collections.Concurrent;

namespace SmartRules.Domain;

/// <summary>
/// Strings made once per key and kept, up to a capacity; past it, a key it does not hold gets a string made for the call
/// and not kept, so endless keys cannot grow it. Safe for any number of threads; a hit is one dictionary read.
/// It counts what it keeps itself: <see cref="ConcurrentDictionary{TKey,TValue}.Count"/> takes every lock of the
/// dictionary (up to 1,024 once it has grown), which a full map paid on every key it did not hold: 10–76 µs a call
/// (docs/benchmarks.md, change 30).
/// </summary>
public sealed class BoundedStringMap(int capacity)
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>How many strings it may keep.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A capacity is at least 1.");

    /// <summary>How many strings it keeps.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The string kept for <paramref name="key"/>, made by <paramref name="make"/> (pass a static lambda) the first time;
    /// once the map is full, a new key's string is made and not kept. Threads adding at once may take the map a few
    /// strings past its capacity; only the one whose string is kept counts it.
    /// </summary>
    public string GetOrAdd(string key, Func<string, string> make)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_values.TryGetValue(key, out var value)) return value;
        value = make(key);
        if (Volatile.Read(ref _count) >= Capacity) return value;
        if (_values.TryAdd(key, value))
        {
            Interlocked.Increment(ref _count);
            return value;
        }

        return _values.TryGetValue(key, out var kept) ? kept : value;
    }
}
