using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Triggers;

/// <summary>Fires when the outstanding amount crosses the threshold (a new customer starts from 0).</summary>
public sealed class OutstandingAmountThresholdTrigger(ThresholdDirection direction, decimal threshold) : Trigger
{
    public ThresholdDirection Direction { get; } = direction;

    public decimal Threshold { get; } = threshold;

    public override TriggerType Type => TriggerType.OutstandingAmountThreshold;

    internal override bool Fires(in RoundContext round) =>
        round.Number == 1 &&
        Crossing.Crosses(round.Previous.OutstandingAmount, round.Current.OutstandingAmount, Threshold, Direction);

    public override bool HoldsForExisting(CustomerSnapshot customer) =>
        Crossing.IsBeyond(customer.OutstandingAmount, Threshold, Direction);

    internal override Evaluation.Tracing.TriggerTrace Explain(in RoundContext round, bool fired) =>
        new(fired, round.Previous.OutstandingAmount, round.Current.OutstandingAmount,
            round.Number > 1 ? Crossing.OnlyFirstRound : Crossing.Reason(round.Previous.OutstandingAmount, round.Current.OutstandingAmount, Threshold, Direction));
}
