using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Gathers requests from many grains and serves each gathered batch with one database round trip. A few loops
/// (<paramref name="concurrentBatches"/>) each take whatever has queued, up to <paramref name="maxBatchSize"/>; a
/// key appears at most once per batch (a second request for it waits for the next batch). Every caller is released
/// with its own result once the batch is done, or with the batch's exception.
/// </summary>
public abstract partial class GroupBatcher<TRequest, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly Task[] _loops;

    protected GroupBatcher(int maxBatchSize, int concurrentBatches, ILogger logger)
    {
        _maxBatchSize = Math.Max(1, maxBatchSize);
        _logger = logger;
        _loops = Enumerable.Range(0, Math.Max(1, concurrentBatches)).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>Raised after every batch with its size and duration (for metrics).</summary>
    public event Action<int, TimeSpan>? BatchCompleted;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    protected Task<TResult> EnqueueAsync(TRequest request)
    {
        var pending = new Pending(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), Activity.Current?.Context);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Done.Task;
    }

    protected abstract (string TenantId, string CustomerId) KeyOf(TRequest request);

    /// <summary>Serves a batch with one round trip; one result per request, in order.</summary>
    protected abstract Task<TResult[]> ExecuteAsync(IReadOnlyList<TRequest> batch);

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(_maxBatchSize);
        var keys = new HashSet<(string, string)>();
        var deferred = new List<Pending>();
        while (deferred.Count > 0 || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            keys.Clear();
            var carried = deferred.ToArray();
            deferred.Clear();
            foreach (var pending in carried) Add(pending);
            while (batch.Count < _maxBatchSize && reader.TryRead(out var pending)) Add(pending);
            if (batch.Count == 0) continue;

            var started = Stopwatch.GetTimestamp();
            using var activity = StoreTelemetry.Source.StartActivity(
                GetType().Name, ActivityKind.Internal, default(ActivityContext),
                tags: [new("smartrules.batch.size", batch.Count)],
                links: batch.Where(p => p.Caller is not null).Select(p => new ActivityLink(p.Caller!.Value)).ToArray());
            await ServeAsync(batch).ConfigureAwait(false);
            BatchCompleted?.Invoke(batch.Count, Stopwatch.GetElapsedTime(started));
        }

        void Add(Pending pending)
        {
            if (keys.Add(KeyOf(pending.Request))) batch.Add(pending);
            else deferred.Add(pending);
        }
    }

    /// <summary>
    /// Whether a failure of a whole batch may be the fault of one request in it (bad data in one row, say), so that
    /// the batch is worth splitting: the halves are served apart, down to the request that fails alone. A statement
    /// fails as a whole, so nothing of the failed attempt was committed.
    /// </summary>
    protected virtual bool MayBeOneRequestsFault(Exception exception) => false;

    private async Task ServeAsync(IReadOnlyList<Pending> part)
    {
        try
        {
            var results = await ExecuteAsync([.. part.Select(p => p.Request)]).ConfigureAwait(false);
            for (var i = 0; i < part.Count; i++) part[i].Done.TrySetResult(results[i]);
        }
        catch (Exception e) when (part.Count > 1 && MayBeOneRequestsFault(e))
        {
            var half = part.Count / 2;
            await ServeAsync([.. part.Take(half)]).ConfigureAwait(false);
            await ServeAsync([.. part.Skip(half)]).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogBatchFailed(_logger, e, GetType().Name, part.Count);
            foreach (var pending in part) pending.Done.TrySetException(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Batcher}: a batch of {Count} failed; every request of it failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string batcher, int count);

    private sealed record Pending(TRequest Request, TaskCompletionSource<TResult> Done, ActivityContext? Caller);
}
