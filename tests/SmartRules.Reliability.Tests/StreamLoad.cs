using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// A client streaming customer updates as NDJSON to every live silo in turn, the way an accounts-receivable system
/// would: each worker owns its customers (w, w + workers, …) and has one request in flight, so each customer's updates
/// are acknowledged in sequence order. A worker goes through its customers in rounds, each a new shuffle, so every
/// customer exists after the first round (customers ÷ lines a request requests) instead of after the many more that
/// drawing at random takes to touch the last one. A request that fails is retried as it was, sequences included, on the next
/// silo: lines that did commit answer "stale". Paced at <see cref="Rate"/> updates/s, or as fast as it goes at 0.
/// </summary>
public sealed class StreamLoad(SiloCluster cluster, HttpClient http, int customers, bool keepLog, int workers = 40, int linesPerRequest = 50)
{
    private readonly ConcurrentQueue<double> _latencies = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = new();
    private Task _running = Task.CompletedTask;
    private long _sent;
    private long _failedAttempts;
    private long _retriedLines;

    /// <summary>Target updates per second; 0 for as fast as the cluster answers. May change while running.</summary>
    public double Rate { get; set; }

    /// <summary>Each customer's acknowledged updates in order (kept only with <c>keepLog</c>).</summary>
    public ConcurrentDictionary<string, List<GeneratedUpdate>> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers that have at least one acknowledged update.</summary>
    public int CustomersSeen => _seen.Count;

    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

    /// <summary>Lines the cluster refused in an acknowledged request, by (customer, sequence), with the reason.</summary>
    public ConcurrentDictionary<(string Customer, long Sequence), string> Rejected { get; } = new();

    public long Sent => Interlocked.Read(ref _sent);

    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    public long RetriedLines => Interlocked.Read(ref _retriedLines);

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>What went wrong in failed attempts, by kind (status code or exception), for the report.</summary>
    public ConcurrentDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    public void Start()
    {
        _clock.Start();
        _running = Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w))));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    /// <summary>Request latencies (ms) recorded since the last call.</summary>
    public double[] TakeLatencies()
    {
        var taken = new List<double>();
        while (_latencies.TryDequeue(out var latency)) taken.Add(latency);
        return [.. taken];
    }

    private async Task WorkAsync(int worker)
    {
        var random = new Random(worker);
        var owned = Enumerable.Range(0, customers).Where(c => c % workers == worker).Select(c => $"c{c:000000}").ToArray();
        var sequences = owned.ToDictionary(c => c, _ => 0L);
        var outstanding = owned.ToDictionary(c => c, _ => 0m);
        var linesEach = Math.Min(linesPerRequest, owned.Length);
        var (round, position) = (owned.OrderBy(_ => random.Next()).ToArray(), 0);
        var due = TimeSpan.Zero;
        for (var request = 0; !_stop.IsCancellationRequested; request++)
        {
            if (Rate > 0)
            {
                due += TimeSpan.FromSeconds(linesEach * workers / Rate);
                if (due < _clock.Elapsed - TimeSpan.FromSeconds(1)) due = _clock.Elapsed; // behind: no burst to catch up
                if (due > _clock.Elapsed)
                {
                    try
                    {
                        await Task.Delay(due - _clock.Elapsed, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }

            if (position + linesEach > round.Length) (round, position) = (owned.OrderBy(_ => random.Next()).ToArray(), 0);
            var batch = round.Skip(position).Take(linesEach)
                .Select(c => GeneratedUpdate.Next(random, c, ++sequences[c], outstanding[c])).ToList();
            position += linesEach;
            var body = string.Concat(batch.Select(u => u.ToLine() + "\n"));
            for (var attempt = 0; ; attempt++)
            {
                var live = cluster.LiveUrls;
                var url = live[(worker + request + attempt) % live.Count];
                var started = _clock.Elapsed;
                try
                {
                    using var response = await http.PostAsync(url + "/api/customer-updates", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
                    if (response.IsSuccessStatusCode)
                    {
                        _latencies.Enqueue((_clock.Elapsed - started).TotalMilliseconds);
                        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                        foreach (var line in result["rejected"]!.AsArray())
                        {
                            var update = batch[line!["line"]!.GetValue<int>() - 1];
                            Rejected[(update.CustomerId, update.Sequence)] = line["error"]!.GetValue<string>();
                        }

                        foreach (var update in batch)
                        {
                            if (keepLog) Acknowledged.GetOrAdd(update.CustomerId, _ => []).Add(update);
                            _seen.TryAdd(update.CustomerId, true);
                            outstanding[update.CustomerId] = update.Outstanding;
                        }

                        Interlocked.Add(ref _sent, batch.Count);
                        break;
                    }

                    Failures.AddOrUpdate(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Failures.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                }

                Interlocked.Increment(ref _failedAttempts);
                Interlocked.Add(ref _retriedLines, batch.Count);
                if (attempt > 200) throw new InvalidOperationException($"a request of worker {worker} was never acknowledged");
                await Task.Delay(50);
            }
        }
    }
}
