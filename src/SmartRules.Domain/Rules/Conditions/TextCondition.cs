using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Conditions;

/// <summary>
/// A text field compared with one or more values: the whole value, exactly, case-sensitively ("B2B" does not match
/// "b2b", and "B2B, B2C" only matches that literal value). Several values are alternatives. An empty or missing
/// field contains nothing, so it fails <c>contains</c> / <c>isAnyOf</c> and passes <c>doesNotContain</c> /
/// <c>isNoneOf</c>.
/// </summary>
public sealed class TextCondition : Condition
{
    private readonly Func<CustomerSnapshot, string?> _read;
    private readonly string[] _values;
    private readonly bool _negated;

    internal TextCondition(string field, string @operator, Func<CustomerSnapshot, string?> read, string[] values, bool negated)
        : base(field, @operator)
    {
        _read = read;
        _values = values;
        _negated = negated;
    }

    public IReadOnlyList<string> Values => _values;

    /// <summary><c>doesNotContain</c> / <c>isNoneOf</c>: the field must equal none of <see cref="Values"/>.</summary>
    public bool Negated => _negated;

    public override object? Written => Operator is "isAnyOf" or "isNoneOf" || _values.Length > 1 ? _values.ToArray() : _values[0];

    public override object? Actual(CustomerSnapshot customer) => _read(customer);

    /// <summary>
    /// For a <c>contains</c> / <c>isAnyOf</c> that failed: the near misses people make by hand — the same text in
    /// another letter case or with blanks around it, a list written as one text on either side — or a missing field.
    /// </summary>
    public override string? Hint(CustomerSnapshot customer)
    {
        if (_negated) return null;
        var value = _read(customer);
        if (string.IsNullOrEmpty(value)) return $"the customer has no {Field}: an empty or missing field contains nothing";
        if (Matches(customer)) return null;
        foreach (var candidate in _values)
        {
            var sameCase = string.Equals(candidate.Trim(), value.Trim(), StringComparison.Ordinal);
            var otherCase = string.Equals(candidate.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase);
            var blanks = candidate.Length != candidate.Trim().Length || value.Length != value.Trim().Length;
            if (sameCase && blanks) return "differs only in surrounding blanks";
            if (otherCase && !blanks) return "differs only in letter case";
            if (otherCase) return "differs only in letter case and surrounding blanks";
        }

        foreach (var candidate in _values)
        {
            var parts = TextLists.Split(candidate);
            if (parts.Length > 1 && parts.Any(p => string.Equals(p, value.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                return $"the condition's value \"{candidate}\" is one text, compared as a whole, not a list: use isAnyOf [{string.Join(", ", parts.Select(p => "\"" + p + "\""))}] for alternatives";
            }
        }

        var actualParts = TextLists.Split(value);
        if (actualParts.Length > 1 && _values.Any(c => actualParts.Any(p => string.Equals(p, c.Trim(), StringComparison.OrdinalIgnoreCase))))
        {
            return $"the customer's value \"{value}\" is a list written as one text; conditions compare the whole value, so it matches only a condition on that exact text";
        }

        return null;
    }

    public override bool Matches(CustomerSnapshot customer)
    {
        var value = _read(customer);
        var found = false;
        if (!string.IsNullOrEmpty(value))
        {
            foreach (var candidate in _values)
            {
                if (string.Equals(candidate, value, StringComparison.Ordinal))
                {
                    found = true;
                    break;
                }
            }
        }

        return found != _negated;
    }
}
