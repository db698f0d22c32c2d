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
}
