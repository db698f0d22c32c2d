using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace SmartRules.Domain.Customers;

/// <summary>
/// A customer's text custom fields: an immutable map from field name to value, names compared exactly
/// (ordinal, case-sensitive). A field is either set to a non-empty value or absent: setting a field to the
/// empty string removes it, because the contract treats an empty field and a missing one alike.
/// Stored as one sorted array so that a customer with a handful of fields costs a few dozen bytes and a
/// lookup is a binary search without allocation.
/// </summary>
public sealed class CustomFields : IEquatable<CustomFields>, IReadOnlyCollection<KeyValuePair<string, string>>
{
    public static readonly CustomFields Empty = new([]);

    private readonly KeyValuePair<string, string>[] _fields;

    private CustomFields(KeyValuePair<string, string>[] sortedFields) => _fields = sortedFields;

    public int Count => _fields.Length;

    /// <summary>The fields sorted by name (ordinal), without an enumerator.</summary>
    internal ReadOnlySpan<KeyValuePair<string, string>> Sorted => _fields;

    /// <summary>Builds a set of fields; empty values are dropped, a repeated name keeps its last value.</summary>
    public static CustomFields From(IEnumerable<KeyValuePair<string, string?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return Empty.With(fields);
    }

    public bool TryGetValue(string name, [NotNullWhen(true)] out string? value)
    {
        var index = IndexOf(name);
        if (index >= 0)
        {
            value = _fields[index].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>The value of a field, or <c>null</c> when it is absent.</summary>
    public string? this[string name] => TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Applies a patch: each name set to a non-empty value is set, each name set to <c>null</c> or "" is removed,
    /// names not in the patch keep their value. Returns this instance when nothing changes.
    /// </summary>
    public CustomFields With(IEnumerable<KeyValuePair<string, string?>> patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        // The result is built in a sorted list (binary search, insert, remove), not a SortedDictionary and its nodes: a
        // creation sets every field at once, and the tree cost an import line more than the fields themselves.
        List<KeyValuePair<string, string>>? result = null;
        foreach (var (name, value) in patch)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(patch));
            var wanted = string.IsNullOrEmpty(value) ? null : value;
            if (result is null)
            {
                if (string.Equals(this[name], wanted, StringComparison.Ordinal)) continue;
                result = new(_fields.Length + (patch is IReadOnlyCollection<KeyValuePair<string, string?>> all ? all.Count : 1));
                result.AddRange(_fields);
            }

            var index = Find(CollectionsMarshal.AsSpan(result), name);
            if (wanted is null)
            {
                if (index >= 0) result.RemoveAt(index);
            }
            else if (index >= 0)
            {
                result[index] = new(result[index].Key, wanted);
            }
            else
            {
                result.Insert(~index, new(name, wanted));
            }
        }

        if (result is null)
        {
            return this;
        }

        var candidate = result.Count == 0 ? Empty : new CustomFields([.. result]);
        return candidate.Equals(this) ? this : candidate;
    }

    public bool Equals(CustomFields? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._fields.Length != _fields.Length) return false;
        for (var i = 0; i < _fields.Length; i++)
        {
            if (!string.Equals(_fields[i].Key, other._fields[i].Key, StringComparison.Ordinal) ||
                !string.Equals(_fields[i].Value, other._fields[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as CustomFields);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (name, value) in _fields)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "{" + string.Join(", ", _fields.Select(f => $"{f.Key}={f.Value}")) + "}";

    private int IndexOf(string name) => Find(_fields, name);

    /// <summary>The index of <paramref name="name"/> in fields sorted by name (ordinal), or the bitwise complement of
    /// where it would be inserted.</summary>
    private static int Find(ReadOnlySpan<KeyValuePair<string, string>> fields, string name)
    {
        int low = 0, high = fields.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var order = string.CompareOrdinal(fields[mid].Key, name);
            if (order == 0) return mid;
            if (order < 0) low = mid + 1;
            else high = mid - 1;
        }

        return ~low;
    }
}
