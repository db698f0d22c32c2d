using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;

namespace SmartRules.Domain.Rules.Actions;

/// <summary>Excludes the customer from the product, irreversibly.</summary>
public sealed class ExcludeAction : RuleAction
{
    public static readonly ExcludeAction Instance = new();

    private ExcludeAction()
    {
    }

    public override ActionType Type => ActionType.Exclude;

    internal override ActionEffect Apply(CustomerSnapshot customer, ITenantDirectory directory, CompiledRule rule) =>
        new(customer with { Excluded = true }, true);
}
