using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Server.Auth;
using SmartRules.Server.Hosting;
using SmartRules.Server.Json;

namespace SmartRules.Server.Apis;

/// <summary>
/// High-volume ingestion: NDJSON, one customer update per line, read as the body arrives. Memory stays bounded
/// whatever the body size: a line is parsed and handed to its customer grain while the next ones are read, at most
/// <see cref="IngestionOptions.MaxInFlight"/> at once; lines of one customer apply in line order, each after the
/// previous one. A bad line rejects only itself.
/// </summary>
public static class IngestionApi
{
    public const int MaxListedRejections = 1000;

    public static RouteGroupBuilder MapIngestionApi(this RouteGroupBuilder api)
    {
        api.MapPost("/customer-updates", Ingest).WithName("IngestCustomerUpdates").WithTags("Customers")
            .Accepts<CustomerUpdateLine>("application/x-ndjson")
            .Produces<IngestionResponse>()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Stream customer updates (NDJSON)")
            .WithDescription("""
                One JSON object per line, each like the body of PUT /api/customers/{id} plus "id". Lines of one customer apply
                in line order. → {"accepted":n,"stale":n,"rejected":[{"line":3,"error":"..."}],"rejectedTotal":n}. A line over
                the maximum line size is rejected alone; a body over the maximum answers 413 (before reading when its length is
                declared, else with the results of the lines already applied); if the database fails mid-body the answer is
                503 with Retry-After and the results so far (500 for a failure of ours). Blank lines are ignored.
                """);
        return api;
    }

    public static async Task Ingest(HttpContext context, ClaimsPrincipal user, IGrainFactory grains, IOptions<IngestionOptions> options)
    {
        var limits = options.Value;
        var request = context.Request;
        if (request.ContentType is { } type && !type.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase) &&
            !type.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase))
        {
            await Results.Problem(statusCode: 415, title: "Unsupported media type", detail: "Send application/x-ndjson: one JSON object per line.").ExecuteAsync(context);
            return;
        }

        if (request.ContentLength > limits.MaxBodyBytes)
        {
            await TooLarge(context, limits, null);
            return;
        }

        // The body limit is ours to enforce line by line; Kestrel's own would cut the stream without results.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature) sizeFeature.MaxRequestBodySize = null;

        using var run = new Run(grains, user.TenantId(), limits.MaxInFlight);
        var reader = request.BodyReader;
        long consumedBytes = 0;
        var lineNumber = 0;
        var skippingLongLine = false;
        var tooLarge = false;
        while (!run.Failed)
        {
            var read = await reader.ReadAsync(context.RequestAborted);
            var buffer = read.Buffer;
            while (!run.Failed && TryTakeLine(ref buffer, out var line))
            {
                consumedBytes += line.Length + 1;
                if (consumedBytes > limits.MaxBodyBytes)
                {
                    tooLarge = true; // this line ends past the limit: it and everything after it are not applied
                    break;
                }

                if (skippingLongLine)
                {
                    skippingLongLine = false; // the rest of an overlong line, already rejected
                    continue;
                }

                lineNumber++;
                if (line.Length > limits.MaxLineBytes) run.Reject(lineNumber, $"the line is longer than {limits.MaxLineBytes} bytes");
                else await run.StartAsync(lineNumber, line.ToArray());
            }

            if (!skippingLongLine && buffer.Length > limits.MaxLineBytes)
            {
                // A line that is already too long with no end in sight: reject it now and drop it as it streams past.
                lineNumber++;
                run.Reject(lineNumber, $"the line is longer than {limits.MaxLineBytes} bytes");
                skippingLongLine = true;
            }

            if (skippingLongLine)
            {
                consumedBytes += buffer.Length;
                buffer = buffer.Slice(buffer.End);
            }

            if (tooLarge || consumedBytes + buffer.Length > limits.MaxBodyBytes)
            {
                tooLarge = true;
                reader.AdvanceTo(buffer.End);
                break;
            }

            if (read.IsCompleted)
            {
                if (!skippingLongLine && buffer.Length > 0 && !run.Failed)
                {
                    lineNumber++;
                    await run.StartAsync(lineNumber, buffer.ToArray()); // the last line needs no newline
                }

                reader.AdvanceTo(buffer.End);
                break;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }

        var response = await run.FinishAsync();
        if (tooLarge)
        {
            await TooLarge(context, limits, response);
        }
        else if (run.Failure is { } failure)
        {
            // An outage answers 503 with Retry-After, anything else 500; lines from the first failure on were not applied.
            await ErrorResponses.WriteAsync(context, failure, new Dictionary<string, object?> { ["results"] = response });
        }
        else
        {
            await Results.Json(response, ApiJson.Options).ExecuteAsync(context);
        }
    }

    private static Task TooLarge(HttpContext context, IngestionOptions limits, IngestionResponse? resultsSoFar) =>
        Results.Problem(statusCode: 413, title: "Body too large",
            detail: $"A body of customer updates may hold at most {limits.MaxBodyBytes} bytes; split it into several requests." +
                    (resultsSoFar is null ? " Nothing was read." : " The lines before the limit were applied; see 'results'."),
            extensions: resultsSoFar is null ? null : new Dictionary<string, object?> { ["results"] = resultsSoFar }).ExecuteAsync(context);

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    /// <summary>One request's lines in flight, and their results.</summary>
    private sealed class Run(IGrainFactory grains, string tenantId, int maxInFlight) : IDisposable
    {
        private readonly SemaphoreSlim _slots = new(maxInFlight, maxInFlight);
        private readonly ConcurrentDictionary<string, Task> _lastPerCustomer = new(StringComparer.Ordinal);
        // The first rejections by line number, at most MaxListedRejections of them, and the count of all.
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
                if (_rejected.Count > MaxListedRejections) _rejected.RemoveAt(_rejected.Count - 1);
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
            var previous = _lastPerCustomer.TryGetValue(id, out var before) ? before : Task.CompletedTask;
            var task = ApplyAfterAsync(previous, line, id, update);
            _lastPerCustomer[id] = task;
            _running.Add(task);
            _ = task.ContinueWith(
                t => ((ICollection<KeyValuePair<string, Task>>)_lastPerCustomer).Remove(new(id, t)),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (_running.Count >= 4 * maxInFlight) _running.RemoveAll(t => t.IsCompleted);
        }

        private async Task ApplyAfterAsync(Task previous, int line, string id, CustomerUpdateCommand update)
        {
            try
            {
                await previous;
                if (Failed)
                {
                    Reject(line, "not applied: an earlier line failed to be stored; retry this line");
                    return;
                }

                var result = await grains.GetCustomer(tenantId, id).IngestAsync(update);
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
}
