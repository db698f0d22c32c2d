using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;

namespace SmartRules.Domain.Rules.Actions;

/// <summary>Enables the given payment methods (adds to those already enabled).</summary>
public sealed class AssignPaymentMethodsAction(PaymentMethods methods) : RuleAction
{
    public PaymentMethods Methods { get; } = methods;

    public override ActionType Type => ActionType.AssignPaymentMethods;

    internal override ActionEffect Apply(CustomerSnapshot customer, ITenantDirectory directory, CompiledRule rule)
    {
        var enabled = customer.PaymentMethods | Methods;
        return new(enabled == customer.PaymentMethods ? customer : customer with { PaymentMethods = enabled }, true);
    }
}
