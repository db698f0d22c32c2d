using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Shares the short strings that thousands of customer grains of a silo hold alike — custom field names and common
/// values such as "B2B" — so each is kept once instead of once per grain. Bounded: past <see cref="Capacity"/>
/// entries, or for long strings, it hands back what it was given, so a tenant inventing endless names cannot grow it.
/// </summary>
public sealed class StringPool
{
    public const int Capacity = 100_000;
    public const int MaxLength = 64;

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    [return: NotNullIfNotNull(nameof(value))]
    public string? Share(string? value)
    {
        if (value is null || value.Length > MaxLength) return value;
        if (_strings.TryGetValue(value, out var shared)) return shared;
        return _strings.Count < Capacity ? _strings.GetOrAdd(value, value) : value;
    }

    public IReadOnlyDictionary<string, string?> Share(IReadOnlyDictionary<string, string?> fields)
    {
        var shared = new Dictionary<string, string?>(fields.Count, StringComparer.Ordinal);
        foreach (var (name, value) in fields) shared[Share(name)] = Share(value);
        return shared;
    }
}
