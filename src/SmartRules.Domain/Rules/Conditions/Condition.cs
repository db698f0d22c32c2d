using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Conditions;

/// <summary>
/// One filter of a rule, judged on the customer's state after the change. A rule's conditions are ANDed, even
/// two on one field; alternatives live inside one condition (a list of values).
/// </summary>
public abstract class Condition
{
    private protected Condition(string field, string @operator)
    {
        Field = field;
        Operator = @operator;
    }

    /// <summary>The wire name of the field, e.g. <c>customFields.Segment</c>.</summary>
    public string Field { get; }

    /// <summary>The wire name of the operator, e.g. <c>contains</c>.</summary>
    public string Operator { get; }

    public abstract bool Matches(CustomerSnapshot customer);

    /// <summary>The condition's value as written, for explanations: a decimal, a text, or a list of texts.</summary>
    public abstract object? Written { get; }

    /// <summary>The customer's value of <see cref="Field"/> (null when unset), for explanations.</summary>
    public abstract object? Actual(CustomerSnapshot customer);

    /// <summary>Why a near miss missed (letter case, blanks, a list written as text), or <c>null</c>.</summary>
    public virtual string? Hint(CustomerSnapshot customer) => null;

    public override string ToString() => $"{Field} {Operator}";
}
