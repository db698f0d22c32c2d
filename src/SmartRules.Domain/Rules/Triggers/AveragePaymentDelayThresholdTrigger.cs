using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Triggers;

/// <summary>
/// Fires when the average payment delay crosses the threshold. A delay becoming unknown fires nothing; an unknown
/// previous delay counts as 0, as for a new customer, so a customer whose delay is first reported at 45 days
/// crosses "exceeds 30".
/// </summary>
public sealed class AveragePaymentDelayThresholdTrigger(ThresholdDirection direction, decimal threshold) : Trigger
{
    public ThresholdDirection Direction { get; } = direction;

    public decimal Threshold { get; } = threshold;

    public override TriggerType Type => TriggerType.AveragePaymentDelayThreshold;

    internal override bool Fires(in RoundContext round) =>
        round.Number == 1 &&
        round.Current.AveragePaymentDelayDays is { } current &&
        Crossing.Crosses(round.Previous.AveragePaymentDelayDays ?? 0m, current, Threshold, Direction);

    public override bool HoldsForExisting(CustomerSnapshot customer) =>
        customer.AveragePaymentDelayDays is { } delay && Crossing.IsBeyond(delay, Threshold, Direction);

    internal override Evaluation.Tracing.TriggerTrace Explain(in RoundContext round, bool fired) =>
        new(fired, round.Previous.AveragePaymentDelayDays, round.Current.AveragePaymentDelayDays,
            round.Number > 1 ? Crossing.OnlyFirstRound
            : round.Current.AveragePaymentDelayDays is not { } current ? "the delay is unknown after the change: a value becoming unset fires nothing"
            : Crossing.Reason(round.Previous.AveragePaymentDelayDays ?? 0m, current, Threshold, Direction)
              + (round.Previous.AveragePaymentDelayDays is null ? " (an unknown previous delay counts as 0)" : ""));
}
