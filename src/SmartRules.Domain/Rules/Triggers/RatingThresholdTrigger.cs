using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Triggers;

/// <summary>
/// Fires when the rating crosses the threshold rating, by rank (A highest, unrated below D): "exceeds B" is a move
/// to A, "falls below C" a move from A, B or C to D. Becoming unrated fires nothing. "Exceeds A" and "falls below D"
/// can never fire and are refused when the rule is saved.
/// </summary>
public sealed class RatingThresholdTrigger(ThresholdDirection direction, Rating threshold) : Trigger
{
    public ThresholdDirection Direction { get; } = direction;

    public Rating Threshold { get; } = threshold;

    public override TriggerType Type => TriggerType.RatingThreshold;

    internal override bool Fires(in RoundContext round) =>
        round.Number == 1 &&
        round.Current.Rating is { } current &&
        Crossing.Crosses(Ratings.Rank(round.Previous.Rating), (int)current, (int)Threshold, Direction);

    public override bool HoldsForExisting(CustomerSnapshot customer) =>
        customer.Rating is { } rating && Crossing.IsBeyond((int)rating, (int)Threshold, Direction);

    internal override Evaluation.Tracing.TriggerTrace Explain(in RoundContext round, bool fired) =>
        new(fired, Name(round.Previous.Rating), Name(round.Current.Rating),
            round.Number > 1 ? Crossing.OnlyFirstRound
            : round.Current.Rating is null ? "the customer is unrated after the change: becoming unrated fires nothing"
            : Crossing.RatingReason(round.Previous.Rating, round.Current.Rating.Value, Threshold, Direction));

    private static string? Name(Rating? rating) => rating is { } r ? Ratings.Name(r) : null;
}
