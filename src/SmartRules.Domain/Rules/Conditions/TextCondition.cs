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
