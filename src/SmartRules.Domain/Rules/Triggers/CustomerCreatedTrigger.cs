using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Triggers;

/// <summary>Fires once, in the first round after the change that created the customer.</summary>
public sealed class CustomerCreatedTrigger : Trigger
{
    public static readonly CustomerCreatedTrigger Instance = new();

    private CustomerCreatedTrigger()
    {
    }

    public override TriggerType Type => TriggerType.CustomerCreated;

    internal override bool Fires(in RoundContext round) => round.Number == 1 && round.Created;

    public override bool HoldsForExisting(CustomerSnapshot customer) => true;

    internal override Evaluation.Tracing.TriggerTrace Explain(in RoundContext round, bool fired) =>
        new(fired, null, null, fired
            ? "the update creates the customer"
            : round.Created ? "the customer was created by this update, but \"created\" only fires in the first round" : "the customer already exists: \"created\" fires only when an update creates it");
}
