using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;

namespace SmartRules.Domain.Rules.Actions;

/// <summary>The one action of a rule, planned as an effect on the customer snapshot.</summary>
public abstract class RuleAction
{
    private protected RuleAction()
    {
    }

    public abstract ActionType Type { get; }

    /// <summary>The single-valued customer property this action sets, for first-rule-wins conflicts; <c>null</c> when
    /// the action only adds to sets or sends something, which never conflicts.</summary>
    internal virtual string? ConflictKey => null;

    internal abstract ActionEffect Apply(CustomerSnapshot customer, ITenantDirectory directory, CompiledRule rule);
}
