using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using SmartRules.Grains.Telemetry;

namespace SmartRules.LoadBench;

/// <summary>
/// Where a paced phase's slow requests come from: the phase is cut in half-second windows by when each request was sent,
/// and a timer samples in each window the silo's garbage collections and thread pool and, where PostgreSQL runs on this
/// machine (Linux), whether an autovacuum worker was running and how much the kernel was writing back to disk. Each window
/// with slow requests is put down to the first of these it saw: a collection (the GC's pause), time stolen by the
/// hypervisor (the machine's virtual cores not running at all: at least <see cref="StealShare"/> of the window's core time
/// in <c>/proc/stat</c>'s steal), a slow commit (one of the silo's group-commit batches, round trip and commit, taking at
/// least <see cref="SlowCommitMs"/>, read from its <c>smartrules.store.batch_duration</c> histogram), an autovacuum (a
/// core taken from a machine already ~80 % busy), a writeback burst (commits waiting behind the kernel's flush of dirty
/// pages), or none of them (queueing on the shared cores). A growing thread count would point at a starved thread pool.
/// </summary>
internal sealed class TailWindows : IDisposable
{
    private const double Width = 0.5;

    /// <summary>Pages under writeback, in MB, from which a window counts as a writeback burst: commits wait behind it.</summary>
    private const long BurstMb = 16;

    /// <summary>The share of a window's core time stolen by the hypervisor from which the window counts as stolen.</summary>
    private const double StealShare = 0.10;

    /// <summary>A group-commit batch at least this slow makes its window one of slow commits.</summary>
    private const double SlowCommitMs = 100;

    private readonly long _start;
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Sample> _samples = [];
    // The slowest group-commit batch that ended in each window, in ms.
    private readonly Dictionary<int, double> _slowestCommit = [];
    private readonly MeterListener _commits;
    private int _ticks;

    private readonly record struct Sample(int Collections, long Queued, int Threads, bool Autovacuum, long WritebackMb, long StealTicks);

    public TailWindows(long start)
    {
        _start = start;
        _timer = new Timer(_ => Take(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
        _commits = SmartRulesInstrument.Listen<double>(SmartRulesMetrics.WriteBatchDurationName, (_, milliseconds, _, _) =>
        {
            var window = (int)(Stopwatch.GetElapsedTime(_start).TotalSeconds / Width);
            lock (_gate) _slowestCommit[window] = Math.Max(milliseconds, _slowestCommit.GetValueOrDefault(window));
        });
    }

    private void Take()
    {
        var window = (int)(Stopwatch.GetElapsedTime(_start).TotalSeconds / Width);
        // The machine's side is read every 100 ms: a scan of /proc costs more than the runtime's counters.
        var machine = Interlocked.Increment(ref _ticks) % 2 == 0;
        var autovacuum = machine && MachineActivity.AutovacuumRunning();
        var writeback = machine ? MachineActivity.WritebackMb() : 0;
        var steal = MachineActivity.StealTicks();
        var now = new Sample(GC.CollectionCount(0), ThreadPool.PendingWorkItemCount, ThreadPool.ThreadCount, autovacuum, writeback, steal);
        lock (_gate)
        {
            _samples[window] = _samples.TryGetValue(window, out var seen)
                ? new(now.Collections, Math.Max(seen.Queued, now.Queued), Math.Max(seen.Threads, now.Threads),
                    seen.Autovacuum || now.Autovacuum, Math.Max(seen.WritebackMb, now.WritebackMb), now.StealTicks)
                : now;
        }
    }

    /// <summary>A line: how many requests were slower than <paramref name="slowMs"/>, in how many windows, and what each of
    /// those windows saw.</summary>
    public string Describe(double[] sentAt, double[] latencies, double slowMs)
    {
        Dictionary<int, Sample> samples;
        Dictionary<int, double> commits;
        lock (_gate)
        {
            samples = new(_samples);
            commits = new(_slowestCommit);
        }

        double SlowestCommit(int w) => Math.Max(commits.GetValueOrDefault(w), commits.GetValueOrDefault(w + 1));
        var slow = Enumerable.Range(0, sentAt.Length).Where(i => latencies[i] > slowMs).GroupBy(i => (int)(sentAt[i] / Width)).ToList();
        bool Collected(int w) => samples.TryGetValue(w, out var now) && samples.TryGetValue(w - 1, out var before) && now.Collections > before.Collections
            || samples.TryGetValue(w + 1, out var next) && samples.TryGetValue(w, out var here) && next.Collections > here.Collections;
        // A request sent in a window may wait for what happens in the next one: both are looked at.
        bool Saw(int w, Func<Sample, bool> what) =>
            samples.TryGetValue(w, out var s) && what(s) || samples.TryGetValue(w + 1, out var n) && what(n);
        // The steal ticks of a window: the counter's last reading in it less the last in the window before.
        long StealIn(int w) => samples.TryGetValue(w, out var now) && samples.TryGetValue(w - 1, out var before) ? now.StealTicks - before.StealTicks : 0;
        var stealFrom = StealShare * Width * MachineActivity.TicksPerSecond * Environment.ProcessorCount;
        string Cause(int w) =>
            Collected(w) ? "GC"
            : StealIn(w) >= stealFrom || StealIn(w + 1) >= stealFrom ? "stolen"
            : SlowestCommit(w) >= SlowCommitMs ? "slow commit"
            : Saw(w, s => s.Autovacuum) ? "autovacuum"
            : Saw(w, s => s.WritebackMb >= BurstMb) ? "writeback"
            : "none";
        var causes = slow.GroupBy(g => Cause(g.Key)).OrderByDescending(c => c.Sum(g => g.Count()))
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Count()} ({c.Sum(g => g.Count()):N0} requests)"));
        var worst = slow.OrderByDescending(g => g.Count()).Take(3)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key * Width:0.0} s: {g.Count()} slow, max {g.Max(i => latencies[i]):0} ms, {Cause(g.Key)}, slowest commit {SlowestCommit(g.Key):0} ms"));
        var threads = samples.Count == 0 ? 0 : samples.Values.Max(s => s.Threads);
        var queued = samples.Count == 0 ? 0 : samples.Values.Max(s => s.Queued);
        var vacuuming = samples.Values.Count(s => s.Autovacuum);
        var bursts = samples.Values.Count(s => s.WritebackMb >= BurstMb);
        var stolen = samples.Keys.Count(w => StealIn(w) >= stealFrom);
        return string.Create(CultureInfo.InvariantCulture,
            $"{slow.Sum(g => g.Count()):N0} requests over {slowMs:0} ms in {slow.Count} of {(int)Math.Ceiling(sentAt.Max() / Width)} half-seconds; " +
            $"those half-seconds by what they saw: {(slow.Count == 0 ? "-" : string.Join(", ", causes))}; worst: {string.Join("; ", worst)}; " +
            $"commits of {SlowCommitMs:0} ms or more in {commits.Values.Count(c => c >= SlowCommitMs)} half-seconds (the slowest {(commits.Count == 0 ? 0 : commits.Values.Max()):0} ms), time stolen by the hypervisor in {stolen}, autovacuum running in {vacuuming}, writeback bursts (≥ {BurstMb} MB) in {bursts}, " +
            $"most under writeback {(samples.Count == 0 ? 0 : samples.Values.Max(s => s.WritebackMb))} MB; thread pool: at most {threads} threads, {queued:N0} items queued");
    }

    public void Dispose()
    {
        _timer.Dispose();
        _commits.Dispose();
    }
}

/// <summary>What the machine's PostgreSQL and kernel are doing besides serving statements, read from <c>/proc</c> (Linux;
/// elsewhere nothing is seen).</summary>
internal static class MachineActivity
{
    /// <summary>USER_HZ, the unit of <c>/proc/stat</c>'s times: 100 on every Linux the bench runs on.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>The time the hypervisor has run something else while this machine's virtual cores had work, summed over
    /// its cores, in <see cref="TicksPerSecond"/> (the <c>steal</c> column of <c>/proc/stat</c>'s <c>cpu</c> line; 0
    /// where it cannot be read).</summary>
    public static long StealTicks()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        try
        {
            using var reader = new StreamReader("/proc/stat");
            // cpu user nice system idle iowait irq softirq steal guest guest_nice
            var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 8 } && fields[0] == "cpu" ? long.Parse(fields[8], CultureInfo.InvariantCulture) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Whether a PostgreSQL autovacuum worker process is running on this machine.</summary>
    public static bool AutovacuumRunning()
    {
        // A PostgreSQL process names its role in its command line: "postgres: 15/main: autovacuum worker <db>".
        return OperatingSystem.IsLinux() && ProcFiles.Read("cmdline").Any(command =>
            command.StartsWith("postgres:", StringComparison.Ordinal) && command.Contains("autovacuum worker", StringComparison.Ordinal));
    }

    /// <summary>The machine's pages under writeback to disk now, in MB (<c>nr_writeback</c> of <c>/proc/vmstat</c>).</summary>
    public static long WritebackMb()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/vmstat"))
            {
                if (line.StartsWith("nr_writeback ", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan("nr_writeback ".Length), CultureInfo.InvariantCulture) * Environment.SystemPageSize / 1048576;
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
