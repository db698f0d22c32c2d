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

    public override string ToString() => $"{Field} {Operator}";
}
