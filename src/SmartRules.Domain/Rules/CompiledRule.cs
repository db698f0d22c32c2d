using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules.Actions;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Rules.Triggers;

namespace SmartRules.Domain.Rules;

/// <summary>A rule that passed validation, compiled once into objects that evaluate without allocating.</summary>
public sealed class CompiledRule
{
    private readonly Condition[] _conditions;

    internal CompiledRule(string id, int version, string name, Trigger trigger, Condition[] conditions, RuleAction action)
    {
        Id = id;
        Version = version;
        Name = name;
        Trigger = trigger;
        _conditions = conditions;
        Action = action;
    }

    public string Id { get; }

    public int Version { get; }

    public string Name { get; }

    public Trigger Trigger { get; }

    public IReadOnlyList<Condition> Conditions => _conditions;

    public RuleAction Action { get; }

    /// <summary>All conditions hold (AND); a rule without conditions always passes its filter.</summary>
    public bool ConditionsHold(CustomerSnapshot customer)
    {
        foreach (var condition in _conditions)
        {
            if (!condition.Matches(customer)) return false;
        }

        return true;
    }

    /// <summary>Whether an existing customer, as it is now, is one this rule applies to in a backfill.</summary>
    public bool MatchesExisting(CustomerSnapshot customer) =>
        !customer.Excluded && Trigger.HoldsForExisting(customer) && ConditionsHold(customer);

    public override string ToString() => $"{Name} ({Id} v{Version})";
}
