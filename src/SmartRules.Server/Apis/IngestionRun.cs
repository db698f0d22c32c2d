using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Grains.Telemetry;
using SmartRules.Server.Hosting;
using SmartRules.Server.Json;

namespace SmartRules.Server.Apis;

/// <summary>
/// The handler of one ingestion request: each line parsed and handed to its customer grain, at most
/// <c>maxInFlight</c> at once, lines of one customer in line order; the results counted as they come.
/// </summary>
internal sealed class IngestionRun(IGrainFactory grains, string tenantId, int maxInFlight) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxInFlight, maxInFlight);
    // The last line started for each customer with a line still running: the next line of that customer waits for it.
    private readonly ConcurrentDictionary<string, LineInFlight> _lastPerCustomer = new(StringComparer.Ordinal);
    // The first rejections by line number, at most IngestionApi.MaxListedRejections of them, and the count of all.
    private readonly SortedList<int, string> _rejected = [];
    private int _rejectedTotal;
    private readonly List<Task> _running = [];
    private int _accepted;
    private int _stale;
    private Exception? _failure;

    /// <summary>The first failure that was not about a line's own data: no line is applied after it.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    public bool Failed => Failure is not null;

    public void Reject(int line, string error)
    {
        lock (_rejected)
        {
            _rejectedTotal++;
            _rejected[line] = error;
            if (_rejected.Count > IngestionApi.MaxListedRejections) _rejected.RemoveAt(_rejected.Count - 1);
        }
    }

    public void Dispose() => _slots.Dispose();

    public async Task StartAsync(int line, byte[] bytes)
    {
        if (bytes.AsSpan().Trim(" \t\r"u8).IsEmpty) return;
        CustomerUpdateCommand? update;
        string? id;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var problems = new List<FieldProblem>();
            (update, id) = CustomerBodyReader.Read(document.RootElement, withId: true, problems);
            if (update is null || id is null)
            {
                Reject(line, string.Join("; ", problems.Select(p => p.Path.Length == 0 ? p.Message : $"{p.Path}: {p.Message}")));
                return;
            }
        }
        catch (JsonException e)
        {
            Reject(line, ApiResults.Explain(e));
            return;
        }

        await _slots.WaitAsync();
        // Lines are started one at a time (the body is read in order), so the previous line's task is set by now.
        var previous = _lastPerCustomer.TryGetValue(id, out var before) ? before.Applied : Task.CompletedTask;
        var current = new LineInFlight();
        _lastPerCustomer[id] = current;
        current.Applied = ApplyAfterAsync(previous, line, id, update, current);
        _running.Add(current.Applied);
        if (_running.Count >= 4 * maxInFlight) _running.RemoveAll(t => t.IsCompleted);
    }

    /// <summary>A line being applied, as its customer's entry of <see cref="_lastPerCustomer"/>: the line removes its own entry
    /// when done, unless a later line of the customer replaced it (one object a line instead of a continuation, its
    /// delegate and its closure).</summary>
    private sealed class LineInFlight
    {
        public Task Applied = Task.CompletedTask;
    }

    private async Task ApplyAfterAsync(Task previous, int line, string id, CustomerUpdateCommand update, LineInFlight current)
    {
        try
        {
            await previous;
            if (Failed)
            {
                Reject(line, "not applied: an earlier line failed to be stored; retry this line");
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var result = await grains.GetCustomer(tenantId, id).IngestAsync(update);
            SmartRulesMetrics.IngestedLine(Stopwatch.GetElapsedTime(started));
            switch (result.Status)
            {
                case CustomerUpdateStatus.Stale:
                    Interlocked.Increment(ref _stale);
                    break;
                case CustomerUpdateStatus.Excluded:
                    Reject(line, $"customer '{id}' is excluded: it takes no more updates");
                    break;
                case CustomerUpdateStatus.Invalid:
                    Reject(line, string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")));
                    break;
                default:
                    Interlocked.Increment(ref _accepted);
                    break;
            }
        }
        catch (Exception e) when (Failures.Classify(e) == FailureKind.RefusedData)
        {
            // The store isolates a row the database refuses: only this line failed, the others go on.
            Reject(line, "the database refused this line's data (for example a text it cannot store); change it before sending it again");
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            Reject(line, Failures.Classify(e) == FailureKind.Unavailable
                ? "not applied: the database or the cluster cannot be reached; retry this line"
                : "not applied: it failed on our side; retry this line");
        }
        finally
        {
            _lastPerCustomer.TryRemove(new KeyValuePair<string, LineInFlight>(id, current));
            _slots.Release();
        }
    }

    public async Task<IngestionResponse> FinishAsync()
    {
        await Task.WhenAll(_running);
        lock (_rejected)
        {
            return new IngestionResponse(_accepted, _stale, [.. _rejected.Select(r => new IngestionError(r.Key, r.Value))], _rejectedTotal);
        }
    }
}
