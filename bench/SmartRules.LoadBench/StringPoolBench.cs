using System.Diagnostics;
using SmartRules.Persistence.Customers;

namespace SmartRules.LoadBench;

/// <summary>
/// The silo's <see cref="StringPool"/>, which every customer read and every update with custom fields goes through:
/// once a tenant's distinct values (account numbers, e-mails) have filled it to its capacity, every new value is one it
/// will not keep. Prints the nanoseconds of such a call beside the baseline of a value it holds, on one thread and on
/// every core at once, five rounds each (median).
/// <c>dotnet run -c Release --project bench/SmartRules.LoadBench -- stringpool</c>
/// </summary>
internal static class StringPoolBench
{
    private const int Calls = 200_000;

    public static void Run()
    {
        var pool = new StringPool();
        for (var i = 0; i < StringPool.Capacity; i++) pool.Share($"held-{i}");
        var held = Enumerable.Range(0, 1_000).Select(i => new string($"held-{i * 97}".AsSpan())).ToArray();
        var unkept = Enumerable.Range(0, 1_000).Select(i => $"new-{i}").ToArray();
        Console.WriteLine($"string pool: {pool.Count:N0} values kept (full), {Environment.ProcessorCount} cores");
        foreach (var threads in new[] { 1, Environment.ProcessorCount })
        {
            var baseline = Median(() => NanosPerCall(pool, held, threads));
            var full = Median(() => NanosPerCall(pool, unkept, threads));
            Console.WriteLine($"  {threads} thread(s): a held value {baseline:F0} ns a call (baseline), a new value on the full pool {full:F0} ns a call ({full / baseline:F1}x)");
        }
    }

    private static double Median(Func<double> measure)
    {
        measure();
        return Measure.Percentile([.. Enumerable.Range(0, 5).Select(_ => measure()).Order()], 0.5);
    }

    private static double NanosPerCall(StringPool pool, string[] values, int threads)
    {
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            var n = 0;
            for (var i = 0; i < Calls; i++) n += pool.Share(values[i % values.Length]).Length;
            GC.KeepAlive(n);
        });
        return Stopwatch.GetElapsedTime(started).TotalNanoseconds / Calls;
    }
}
