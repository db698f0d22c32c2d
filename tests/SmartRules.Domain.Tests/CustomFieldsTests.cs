using FsCheck.Xunit;
using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Tests;

/// <summary>
/// <see cref="CustomFields.With"/> against a plain model (a sorted map: set a non-empty value, remove on null or "").
/// Patches are generated as byte codes over a small vocabulary of names (so that they collide, repeat and remove) and
/// values (null, "", and a few texts), in whatever order, applied one after another.
/// </summary>
public sealed class CustomFieldsTests
{
    private static readonly string[] Names = ["a", "B", "b", "plan", "Plan", "segment", "z", "ä", "region"];
    private static readonly string?[] Values = [null, "", "x", "Gold", "B2B", "y"];

    [Property(MaxTest = 500)]
    public bool A_patch_sets_and_removes_exactly_as_a_sorted_map_would(byte[][] patches)
    {
        var fields = CustomFields.Empty;
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var codes in patches ?? [])
        {
            var patch = (codes ?? []).Select(code => new KeyValuePair<string, string?>(Names[code % Names.Length], Values[code / Names.Length % Values.Length])).ToList();
            var before = fields;
            fields = fields.With(patch);
            foreach (var (name, value) in patch)
            {
                if (string.IsNullOrEmpty(value)) model.Remove(name);
                else model[name] = value;
            }

            if (!fields.SequenceEqual(model)) return false;
            // Nothing changed: the same instance, as callers that compare by reference expect.
            if (before.SequenceEqual(model) && !ReferenceEquals(before, fields)) return false;
        }

        return true;
    }

    [Property(MaxTest = 200)]
    public bool A_set_built_from_a_dictionary_is_sorted_and_drops_empty_values(byte[] codes)
    {
        var input = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var code in codes ?? []) input[Names[code % Names.Length]] = Values[code / Names.Length % Values.Length];
        var fields = CustomFields.From(input);
        var expected = input.Where(f => !string.IsNullOrEmpty(f.Value)).OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => KeyValuePair.Create(f.Key, f.Value!));
        return fields.SequenceEqual(expected) && fields.All(f => fields[f.Key] == f.Value);
    }
}
