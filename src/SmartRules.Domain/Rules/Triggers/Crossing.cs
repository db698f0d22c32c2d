using System.Globalization;
using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Triggers;

/// <summary>The crossing rule shared by every threshold: staying on one side never fires.</summary>
internal static class Crossing
{
    public static bool Crosses(decimal previous, decimal current, decimal threshold, ThresholdDirection direction) =>
        direction == ThresholdDirection.Exceeds
            ? previous <= threshold && current > threshold
            : previous >= threshold && current < threshold;

    public static bool Crosses(int previous, int current, int threshold, ThresholdDirection direction) =>
        direction == ThresholdDirection.Exceeds
            ? previous <= threshold && current > threshold
            : previous >= threshold && current < threshold;

    public static bool IsBeyond(int value, int threshold, ThresholdDirection direction) =>
        direction == ThresholdDirection.Exceeds ? value > threshold : value < threshold;

    public static bool IsBeyond(decimal value, decimal threshold, ThresholdDirection direction) =>
        direction == ThresholdDirection.Exceeds ? value > threshold : value < threshold;

    public const string OnlyFirstRound = "threshold triggers fire only in the round right after the update (rule actions never change amounts, rating or delay)";

    /// <summary>Why a value did or did not cross, in the words of the article's examples.</summary>
    public static string Reason(decimal previous, decimal current, decimal threshold, ThresholdDirection direction)
    {
        string N(decimal d) => d.ToString("0.############", CultureInfo.InvariantCulture);
        var (p, c, x) = (N(previous), N(current), N(threshold));
        var verb = direction == ThresholdDirection.Exceeds ? "exceed" : "fall below";
        if (Crosses(previous, current, threshold, direction)) return $"crossed {x}: {p} → {c} {verb}s {x}";
        if (IsBeyond(previous, threshold, direction))
        {
            var side = direction == ThresholdDirection.Exceeds ? "above" : "below";
            return $"was already {side} {x} before the change ({p} → {c} does not {verb} {x})";
        }

        return previous == current
            ? $"the value did not change ({c}): only a crossing of {x} fires"
            : $"did not cross {x} ({p} → {c} does not {verb} {x})";
    }

    public static string RatingReason(Rating? previous, Rating current, Rating threshold, ThresholdDirection direction)
    {
        var p = previous is { } r ? Ratings.Name(r) : "unrated";
        var (c, x) = (Ratings.Name(current), Ratings.Name(threshold));
        var verb = direction == ThresholdDirection.Exceeds ? "exceed" : "fall below";
        if (Crosses(Ratings.Rank(previous), (int)current, (int)threshold, direction)) return $"crossed {x}: {p} → {c} {verb}s {x}";
        if (previous is { } before && IsBeyond((int)before, (int)threshold, direction))
        {
            var side = direction == ThresholdDirection.Exceeds ? "better than" : "worse than";
            return $"was already {side} {x} before the change ({p} → {c} does not {verb} {x})";
        }

        return $"did not cross {x} ({p} → {c} does not {verb} {x})";
    }
}
