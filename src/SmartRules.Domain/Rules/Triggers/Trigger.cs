using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Triggers;

/// <summary>
/// When a rule is considered. Evaluation runs in rounds (see <see cref="Evaluation.CompiledRuleSet"/>): "created" and
/// the thresholds can only fire in the first round, since rule actions never create customers nor change amounts,
/// rating or delay; "created or updated" fires in any round whose state differs from the previous round's.
/// </summary>
public abstract class Trigger
{
    private protected Trigger()
    {
    }

    public abstract TriggerType Type { get; }

    /// <summary>Whether the trigger fires for one round: <paramref name="previous"/> is the state at the start of
    /// the previous round (before the external change, for round 1), <paramref name="current"/> the state now.</summary>
    internal abstract bool Fires(in RoundContext round);

    /// <summary>
    /// Whether a customer as it is now counts as matched when the rule is applied to existing customers:
    /// created / created-or-updated rules always do; threshold rules when the value is strictly beyond the
    /// threshold in the rule's direction (unset or unrated never is).
    /// </summary>
    public abstract bool HoldsForExisting(CustomerSnapshot customer);

    /// <summary>The values the trigger compared in one round and a sentence saying why it fired or not (explain).</summary>
    internal abstract Evaluation.Tracing.TriggerTrace Explain(in RoundContext round, bool fired);
}

/// <summary>What a trigger sees of one evaluation round.</summary>
internal readonly ref struct RoundContext(CustomerSnapshot previous, CustomerSnapshot current, int number, bool created, bool changed)
{
    public CustomerSnapshot Previous { get; } = previous;

    public CustomerSnapshot Current { get; } = current;

    /// <summary>1 for the round that follows the external change.</summary>
    public int Number { get; } = number;

    /// <summary>The external change created the customer.</summary>
    public bool Created { get; } = created;

    /// <summary>Some property differs between <see cref="Previous"/> and <see cref="Current"/>.</summary>
    public bool Changed { get; } = changed;
}
