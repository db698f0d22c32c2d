using System.Diagnostics.CodeAnalysis;
using SmartRules.Domain;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Shares the short strings that thousands of customer grains of a silo hold alike — custom field names and common
/// values such as "B2B" — so each is kept once instead of once per grain. Bounded: past <see cref="Capacity"/>
/// entries, or for long strings, it hands back what it was given, so a tenant inventing endless names cannot grow it.
/// A full pool is asked for values it does not keep all the time — every distinct account number or e-mail a tenant's
/// customers carry, once 100,000 values are kept — and such a call cost 9–10 µs on one thread and 76 µs with two
/// threads at once while the bound was checked with <c>ConcurrentDictionary.Count</c>; <see cref="BoundedStringMap"/>
/// counts what it keeps itself (docs/benchmarks.md, change 30).
/// </summary>
public sealed class StringPool
{
    public const int Capacity = 100_000;
    public const int MaxLength = 64;

    private readonly BoundedStringMap _strings = new(Capacity);

    /// <summary>How many values it keeps.</summary>
    public int Count => _strings.Count;

    [return: NotNullIfNotNull(nameof(value))]
    public string? Share(string? value) =>
        value is null || value.Length > MaxLength ? value : _strings.GetOrAdd(value, static v => v);

    public IReadOnlyDictionary<string, string?> Share(IReadOnlyDictionary<string, string?> fields)
    {
        var shared = new Dictionary<string, string?>(fields.Count, StringComparer.Ordinal);
        foreach (var (name, value) in fields) shared[Share(name)] = Share(value);
        return shared;
    }
}
