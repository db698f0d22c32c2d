using System.Collections.Concurrent;
using System.Net;

namespace SmartRules.Server.Tests.Shards;

/// <summary>
/// One tenant's stream of updates: four writers, each cycling through customers of its own with a rising amount (also
/// the update's sequence), remembering per customer the newest amount sent and the newest acknowledged.
/// </summary>
internal sealed class Load(HttpClient client, string prefix)
{
    private const int Writers = 4;
    private const int CustomersPerWriter = 25;

    private long _acknowledged;
    private int _unavailable;
    private int _unavailableWithoutRetryAfter;
    private int _unexpected;

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public int Unavailable => Volatile.Read(ref _unavailable);

    public int UnavailableWithoutRetryAfter => Volatile.Read(ref _unavailableWithoutRetryAfter);

    public int Unexpected => Volatile.Read(ref _unexpected);

    public ConcurrentDictionary<string, decimal> NewestAcknowledged { get; } = new();

    public ConcurrentDictionary<string, decimal> NewestSent { get; } = new();

    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w, stop), CancellationToken.None)));

    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        for (var round = 1; !stop.IsCancellationRequested; round++)
        {
            for (var c = 0; c < CustomersPerWriter && !stop.IsCancellationRequested; c++)
            {
                var customer = $"{prefix}{writer}-{c}";
                NewestSent[customer] = round;
                HttpResponseMessage response;
                try
                {
                    response = await client.PutJson($"/api/customers/{customer}", $$"""{"outstandingAmount":{{round}},"sequence":{{round}}}""");
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref _unexpected);
                    continue;
                }

                using (response)
                {
                    switch (response.StatusCode)
                    {
                        case HttpStatusCode.OK or HttpStatusCode.Created:
                            NewestAcknowledged[customer] = round;
                            Interlocked.Increment(ref _acknowledged);
                            break;
                        case HttpStatusCode.ServiceUnavailable:
                            Interlocked.Increment(ref _unavailable);
                            if (response.Headers.RetryAfter is null) Interlocked.Increment(ref _unavailableWithoutRetryAfter);
                            // A client honouring Retry-After would wait its 5 s; a shorter wait keeps probing the outage.
                            await Task.Delay(250, CancellationToken.None);
                            break;
                        default:
                            Interlocked.Increment(ref _unexpected);
                            break;
                    }
                }
            }
        }
    }
}
