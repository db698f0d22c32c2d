using System.Diagnostics;
using System.Globalization;

namespace SmartRules.LoadBench;

/// <summary>
/// Where a paced phase's slow requests come from: the phase is cut in half-second windows by when each request was sent,
/// and a timer samples each window's garbage collections and thread pool. A window whose slow requests coincide with a
/// collection points at the GC's pauses; one without points elsewhere (PostgreSQL's commits, the shared cores), and a
/// growing thread count would point at a starved thread pool.
/// </summary>
internal sealed class TailWindows : IDisposable
{
    private const double Width = 0.5;
    private readonly long _start;
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, (int Collections, long Queued, int Threads)> _samples = [];

    public TailWindows(long start)
    {
        _start = start;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
    }

    private void Sample()
    {
        var window = (int)(Stopwatch.GetElapsedTime(_start).TotalSeconds / Width);
        var (collections, queued, threads) = (GC.CollectionCount(0), ThreadPool.PendingWorkItemCount, ThreadPool.ThreadCount);
        lock (_gate)
        {
            _samples[window] = _samples.TryGetValue(window, out var seen)
                ? (collections, Math.Max(seen.Queued, queued), Math.Max(seen.Threads, threads))
                : (collections, queued, threads);
        }
    }

    /// <summary>A line: how many requests were slower than <paramref name="slowMs"/>, in how many windows, and how many of
    /// those windows saw a collection begin or end.</summary>
    public string Describe(double[] sentAt, double[] latencies, double slowMs)
    {
        Dictionary<int, (int Collections, long Queued, int Threads)> samples;
        lock (_gate) samples = new(_samples);
        var slow = Enumerable.Range(0, sentAt.Length).Where(i => latencies[i] > slowMs).GroupBy(i => (int)(sentAt[i] / Width)).ToList();
        bool Collected(int w) => samples.TryGetValue(w, out var now) && samples.TryGetValue(w - 1, out var before) && now.Collections > before.Collections
            || samples.TryGetValue(w + 1, out var next) && samples.TryGetValue(w, out var here) && next.Collections > here.Collections;
        var withGc = slow.Where(g => Collected(g.Key)).ToList();
        var worst = slow.OrderByDescending(g => g.Count()).Take(3)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key * Width:0.0} s: {g.Count()} slow, max {g.Max(i => latencies[i]):0} ms{(Collected(g.Key) ? ", GC" : "")}"));
        var threads = samples.Count == 0 ? 0 : samples.Values.Max(s => s.Threads);
        var queued = samples.Count == 0 ? 0 : samples.Values.Max(s => s.Queued);
        return string.Create(CultureInfo.InvariantCulture,
            $"{slow.Sum(g => g.Count()):N0} requests over {slowMs:0} ms in {slow.Count} of {(int)Math.Ceiling(sentAt.Max() / Width)} half-seconds; " +
            $"{withGc.Count} of those half-seconds saw a collection ({withGc.Sum(g => g.Count()):N0} requests), {slow.Count - withGc.Count} did not " +
            $"({slow.Sum(g => g.Count()) - withGc.Sum(g => g.Count()):N0}); worst: {string.Join("; ", worst)}; thread pool: at most {threads} threads, {queued:N0} items queued");
    }

    public void Dispose() => _timer.Dispose();
}
