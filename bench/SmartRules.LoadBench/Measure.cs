namespace SmartRules.LoadBench;

/// <summary>What every benchmark of this project measures the same way: percentiles and the managed heap.</summary>
internal static class Measure
{
    /// <summary>The managed heap after full, compacting collections: what live objects hold.</summary>
    public static long Memory()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The <paramref name="p"/> percentile of values sorted ascending (0 when there are none).</summary>
    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
