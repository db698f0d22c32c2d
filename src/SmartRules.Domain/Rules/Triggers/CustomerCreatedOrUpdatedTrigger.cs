using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Triggers;

/// <summary>Fires when the customer was created, or when any of its properties changed in the round.</summary>
public sealed class CustomerCreatedOrUpdatedTrigger : Trigger
{
    public static readonly CustomerCreatedOrUpdatedTrigger Instance = new();

    private CustomerCreatedOrUpdatedTrigger()
    {
    }

    public override TriggerType Type => TriggerType.CustomerCreatedOrUpdated;

    internal override bool Fires(in RoundContext round) => round.Changed || (round.Number == 1 && round.Created);

    public override bool HoldsForExisting(CustomerSnapshot customer) => true;

    internal override Evaluation.Tracing.TriggerTrace Explain(in RoundContext round, bool fired) =>
        new(fired, null, null, fired
            ? round.Number == 1 && round.Created ? "the update creates the customer" : round.Number == 1 ? "the update changes the customer" : $"rule actions of round {round.Number - 1} changed the customer"
            : round.Number == 1 ? "the update changes nothing" : $"nothing changed in round {round.Number - 1}");
}
