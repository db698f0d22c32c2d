using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Shares the short strings that thousands of customer grains of a silo hold alike — custom field names and common
/// values such as "B2B" — so each is kept once instead of once per grain. Bounded: past <see cref="Capacity"/>
/// entries, or for long strings, it hands back what it was given, so a tenant inventing endless names cannot grow it.
/// It counts what it keeps itself: <see cref="ConcurrentDictionary{TKey,TValue}.Count"/> takes every lock of the
/// dictionary (up to 1,024 once it has grown), and a full pool asked for a value it does not keep — every distinct
/// account number or e-mail a tenant's customers carry, once 100,000 values are kept — paid that on every call:
/// 9–10 µs on one thread, 76 µs with two threads at once (docs/benchmarks.md, change 30).
/// </summary>
public sealed class StringPool
{
    public const int Capacity = 100_000;
    public const int MaxLength = 64;

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    private int _count;

    /// <summary>How many values it keeps.</summary>
    public int Count => Volatile.Read(ref _count);

    [return: NotNullIfNotNull(nameof(value))]
    public string? Share(string? value)
    {
        if (value is null || value.Length > MaxLength) return value;
        if (_strings.TryGetValue(value, out var shared)) return shared;
        if (Volatile.Read(ref _count) >= Capacity) return value;
        // Threads adding at once may take it a few values past its capacity; only the one that adds a value counts it.
        if (_strings.TryAdd(value, value))
        {
            Interlocked.Increment(ref _count);
            return value;
        }

        return _strings.TryGetValue(value, out shared) ? shared : value;
    }

    public IReadOnlyDictionary<string, string?> Share(IReadOnlyDictionary<string, string?> fields)
    {
        var shared = new Dictionary<string, string?>(fields.Count, StringComparer.Ordinal);
        foreach (var (name, value) in fields) shared[Share(name)] = Share(value);
        return shared;
    }
}
