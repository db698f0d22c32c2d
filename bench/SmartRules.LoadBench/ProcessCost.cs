using System.Diagnostics;
using System.Globalization;

namespace SmartRules.LoadBench;

/// <summary>
/// What a phase cost the bench process (the silo and its HTTP client) per line: CPU time, managed allocations and GC
/// pauses, and the time the JIT compiler took — wall time from the start to the end of each compilation, as the runtime
/// counts it (<see cref="System.Runtime.JitInfo.GetCompilationTime"/>), so on a busy machine it includes the compiling
/// thread's time off the cores: CPU samples of an import put the compiler at about a third of the printed figure (a silo's first minute compiles, and recompiles its hot methods at tier 1:
/// part of a short phase's cost that a silo running for hours no longer pays). On a shared machine these move far less with the neighbours' load than lines/s do, so an A/B of two builds
/// reads them first.
/// </summary>
public sealed class ProcessCost
{
    private readonly TimeSpan _cpu;
    private readonly TimeSpan _kernel;
    private readonly long _faults;
    private readonly long _allocated;
    private readonly TimeSpan _paused;
    private readonly int[] _collections;
    private readonly TimeSpan _jit;
    private readonly long _jitted;
    private readonly TimeSpan? _database;
    private readonly long _workItems;

    private ProcessCost()
    {
        using var process = Process.GetCurrentProcess();
        _cpu = process.TotalProcessorTime;
        _kernel = process.PrivilegedProcessorTime;
        _faults = MinorFaults();
        _allocated = GC.GetTotalAllocatedBytes();
        _paused = GC.GetTotalPauseDuration();
        _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        _jit = System.Runtime.JitInfo.GetCompilationTime();
        _jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        _database = DatabaseCpu.Read();
        _workItems = ThreadPool.CompletedWorkItemCount;
    }

    public static ProcessCost Start() => new();

    /// <summary>The process's CPU time a line, in µs, as the last <see cref="Stop"/> computed it.</summary>
    public double CpuPerLine { get; private set; }

    /// <summary>The cost since <see cref="Start"/>, per line, as one printable line.</summary>
    public string Stop(int lines, double seconds)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = CpuPerLine = (process.TotalProcessorTime - _cpu).TotalMicroseconds / lines;
        var kernel = (process.PrivilegedProcessorTime - _kernel).TotalMicroseconds / lines;
        var faults = (MinorFaults() - _faults) / (double)lines;
        var allocated = (GC.GetTotalAllocatedBytes() - _allocated) / 1024.0 / lines;
        var paused = (GC.GetTotalPauseDuration() - _paused).TotalSeconds;
        var gcs = string.Join('/', Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - _collections[g]));
        var count = GC.CollectionCount(0) - _collections[0];
        var last = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        var meanPause = count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $", {paused * 1000 / count:0} ms a collection on average (the last gen{last.Generation}: {last.PauseDurations[0].TotalMilliseconds:0} ms, {last.PromotedBytes / 1048576.0:N0} MB promoted of a {last.HeapSizeBytes / 1048576.0:N0} MB heap)");
        var jit = (System.Runtime.JitInfo.GetCompilationTime() - _jit).TotalMicroseconds / lines;
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - _jitted;
        var database = DatabaseCpu.PerUnit(_database, lines);
        // Work items the thread pool ran: each hop of a line's continuations between threads, counted exactly (a change
        // that saves one shows here whatever the machine's noise does to the CPU figure).
        var workItems = (ThreadPool.CompletedWorkItemCount - _workItems) / (double)lines;
        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu:N0} µs CPU (JIT {jit:N0} µs of wall time: {jitted:N0} methods compiled; in the kernel {kernel:N0} µs, {faults:N1} page faults; {workItems:N1} thread-pool work items), {allocated:N1} KB allocated, GC paused {100 * paused / seconds:0.0} % of the phase{meanPause}, collections gen0/1/2 {gcs} (all: gen1 and gen2 counted in gen0 too); PostgreSQL {database}");
    }

    /// <summary>The process's minor page faults so far (Linux; 0 elsewhere): the kernel handing it memory it has not touched
    /// before, such as the GC's fresh regions, each page cleared first.</summary>
    private static long MinorFaults()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        var (_, fields) = ProcFiles.StatFields(ProcFiles.ReadText("/proc/self/stat"));
        return long.Parse(fields[7], CultureInfo.InvariantCulture); // state ppid pgrp session tty_nr tpgid flags minflt
    }
}

/// <summary>
/// The CPU time of the local PostgreSQL server's processes (every process named <c>postgres</c>: backends, WAL
/// writer, checkpointer), read from <c>/proc</c>: the database's side of a line, beside the silo's. Null where the
/// server is not on this machine (or not Linux): the figure is then printed as unknown.
/// </summary>
public static class DatabaseCpu
{
    public static TimeSpan? Read()
    {
        if (!OperatingSystem.IsLinux()) return null;
        long ticks = 0;
        var found = false;
        foreach (var stat in ProcFiles.Read("stat"))
        {
            var (command, fields) = ProcFiles.StatFields(stat);
            if (command != "postgres") continue;
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
            found = true;
        }

        return found ? TimeSpan.FromSeconds(ticks / MachineActivity.TicksPerSecond) : null;
    }

    /// <summary>"N µs CPU a line" since <paramref name="start"/>, or "CPU unknown" when it cannot be read.</summary>
    public static string PerUnit(TimeSpan? start, int units, string unit = "line") =>
        start is { } s && Read() is { } now
            ? string.Create(CultureInfo.InvariantCulture, $"{(now - s).TotalMicroseconds / units:N0} µs CPU a {unit}")
            : "CPU unknown (not on this machine)";
}

/// <summary>The processes of this machine, each as the text of one of its <c>/proc/&lt;pid&gt;</c> files (Linux); a process
/// that ends while it is read, or may not be read, is skipped.</summary>
internal static class ProcFiles
{
    /// <summary>The most of a file read: <c>stat</c> and <c>cmdline</c> hold a few hundred bytes (a longer command line is
    /// cut, which no reader here minds).</summary>
    private const int MostBytes = 4096;

    // One buffer per thread (the tail's timer may run on any): only a file's text is allocated.
    [ThreadStatic]
    private static byte[]? t_buffer;

    /// <summary>The text of one <c>/proc</c> file, at most <see cref="MostBytes"/> of it.</summary>
    /// <remarks>Read into a buffer kept for the thread: the paced phase scans every process ten times a second, and
    /// <see cref="File.ReadAllText(string)"/>'s reader and buffers per file were 6 % of that phase's allocations,
    /// collections the bench caused in the latencies it measures.</remarks>
    public static string ReadText(string path)
    {
        var buffer = t_buffer ??= new byte[MostBytes];
        using var handle = File.OpenHandle(path);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, RandomAccess.Read(handle, buffer, 0));
    }

    /// <summary>A <c>stat</c> file's command and the fields after it (state, ppid, …): the command may hold spaces, so the
    /// fields are counted after its closing parenthesis. An empty command when the text is not a <c>stat</c> line.</summary>
    public static (string Command, string[] Fields) StatFields(string stat)
    {
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        return open < 0 || close < open || close + 2 > stat.Length ? ("", []) : (stat[(open + 1)..close], stat[(close + 2)..].Split(' '));
    }

    public static IEnumerable<string> Read(string file)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
            string text;
            try
            {
                text = ReadText(Path.Combine(directory, file));
            }
            catch (IOException)
            {
                continue; // the process ended while being read
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            yield return text;
        }
    }
}
