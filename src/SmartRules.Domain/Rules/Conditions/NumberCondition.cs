using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Conditions;

public enum NumberComparison
{
    /// <summary><c>min</c>: value &gt;= bound.</summary>
    AtLeast,

    /// <summary><c>max</c>: value &lt;= bound.</summary>
    AtMost,

    /// <summary><c>greaterThan</c>.</summary>
    GreaterThan,

    /// <summary><c>lessThan</c>.</summary>
    LessThan,
}

/// <summary>An amount or the delay compared with a bound (inclusive for min/max). An unknown delay matches nothing.</summary>
public sealed class NumberCondition : Condition
{
    private readonly Func<CustomerSnapshot, decimal?> _read;

    internal NumberCondition(string field, string @operator, Func<CustomerSnapshot, decimal?> read, NumberComparison comparison, decimal bound)
        : base(field, @operator)
    {
        _read = read;
        Comparison = comparison;
        Bound = bound;
    }

    public NumberComparison Comparison { get; }

    public decimal Bound { get; }

    public override object? Written => Bound;

    public override object? Actual(CustomerSnapshot customer) => _read(customer);

    public override string? Hint(CustomerSnapshot customer) =>
        _read(customer) is null ? $"the customer has no {Field}: an unknown value matches no number condition" : null;

    public override bool Matches(CustomerSnapshot customer) => _read(customer) is { } value && Comparison switch
    {
        NumberComparison.AtLeast => value >= Bound,
        NumberComparison.AtMost => value <= Bound,
        NumberComparison.GreaterThan => value > Bound,
        _ => value < Bound,
    };
}
