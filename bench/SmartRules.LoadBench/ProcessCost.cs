using System.Diagnostics;
using System.Globalization;

namespace SmartRules.LoadBench;

/// <summary>
/// What a phase cost the bench process (the silo and its HTTP client) per line: CPU time, managed allocations and GC
/// pauses. On a shared machine these move far less with the neighbours' load than lines/s do, so an A/B of two builds
/// reads them first.
/// </summary>
public sealed class ProcessCost
{
    private readonly TimeSpan _cpu;
    private readonly long _allocated;
    private readonly TimeSpan _paused;
    private readonly int[] _collections;

    private ProcessCost()
    {
        using var process = Process.GetCurrentProcess();
        _cpu = process.TotalProcessorTime;
        _allocated = GC.GetTotalAllocatedBytes();
        _paused = GC.GetTotalPauseDuration();
        _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    }

    public static ProcessCost Start() => new();

    /// <summary>The cost since <see cref="Start"/>, per line, as one printable line.</summary>
    public string Stop(int lines, double seconds)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = (process.TotalProcessorTime - _cpu).TotalMicroseconds / lines;
        var allocated = (GC.GetTotalAllocatedBytes() - _allocated) / 1024.0 / lines;
        var paused = (GC.GetTotalPauseDuration() - _paused).TotalSeconds;
        var gcs = string.Join('/', Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - _collections[g]));
        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu:N0} µs CPU, {allocated:N1} KB allocated, GC paused {100 * paused / seconds:0.0} % of the phase, collections gen0/1/2 {gcs} (all: gen1 and gen2 counted in gen0 too)");
    }
}
