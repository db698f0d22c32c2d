using System.Diagnostics;
using System.Globalization;

namespace SmartRules.LoadBench;

/// <summary>
/// What a phase cost the bench process (the silo and its HTTP client) per line: CPU time, managed allocations and GC
/// pauses, and the time the JIT compiler took (a silo's first minute compiles, and recompiles its hot methods at tier 1:
/// part of a short phase's cost that a silo running for hours no longer pays). On a shared machine these move far less with the neighbours' load than lines/s do, so an A/B of two builds
/// reads them first.
/// </summary>
public sealed class ProcessCost
{
    private readonly TimeSpan _cpu;
    private readonly long _allocated;
    private readonly TimeSpan _paused;
    private readonly int[] _collections;
    private readonly TimeSpan _jit;
    private readonly long _jitted;

    private ProcessCost()
    {
        using var process = Process.GetCurrentProcess();
        _cpu = process.TotalProcessorTime;
        _allocated = GC.GetTotalAllocatedBytes();
        _paused = GC.GetTotalPauseDuration();
        _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        _jit = System.Runtime.JitInfo.GetCompilationTime();
        _jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
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
        var jit = (System.Runtime.JitInfo.GetCompilationTime() - _jit).TotalMicroseconds / lines;
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - _jitted;
        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu:N0} µs CPU (JIT {jit:N0} µs: {jitted:N0} methods compiled), {allocated:N1} KB allocated, GC paused {100 * paused / seconds:0.0} % of the phase, collections gen0/1/2 {gcs} (all: gen1 and gen2 counted in gen0 too)");
    }
}
