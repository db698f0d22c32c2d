using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Npgsql;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// PostgreSQL (a server of the test's own) stops under load on a three-silo cluster and comes back: nothing is
/// acknowledged without a commit, every silo answers 503 problem details with Retry-After while it is down, and every
/// silo takes writes again within 10 s of its return.
/// </summary>
public sealed class DatabaseRestartTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private ThrowawayPostgres _postgres = null!;
    private SiloCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _postgres = await ThrowawayPostgres.StartAsync();
        _cluster = await SiloCluster.StartAsync(_postgres.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_database_restart_under_load_loses_no_acknowledged_update_and_service_returns_within_10_s()
    {
        using var http = await _cluster.TenantAsync("restart", TimeSpan.FromSeconds(15));
        var urls = _cluster.Urls;
        var acknowledged = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var unavailable = new ConcurrentBag<string>();
        var unexpected = new ConcurrentBag<string>();
        long attempts = 0;
        using var stopLoad = new CancellationTokenSource();
        // 24 workers, each the only writer of its 10 customers; a failed update is retried with its sequence until
        // acknowledged, so at the end each customer's stored sequence must equal its last acknowledged one exactly.
        var load = Task.WhenAll(Enumerable.Range(0, 24).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var step = 0; !stopLoad.IsCancellationRequested; step++)
            {
                var id = $"w{worker}-{random.Next(10)}";
                var sequence = acknowledged.GetValueOrDefault(id) + 1;
                var body = $$"""{"outstandingAmount":{{sequence}},"sequence":{{sequence}}}""";
                for (var attempt = 0; ; attempt++)
                {
                    Interlocked.Increment(ref attempts);
                    try
                    {
                        using var response = await http.PutAsync($"{urls[(worker + attempt) % urls.Count]}/api/customers/{id}", new StringContent(body, Encoding.UTF8, "application/json"));
                        if (response.IsSuccessStatusCode)
                        {
                            acknowledged[id] = sequence;
                            break;
                        }

                        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                        {
                            unavailable.Add($"{response.Content.Headers.ContentType?.MediaType} retry-after={response.Headers.RetryAfter}");
                        }
                        else
                        {
                            unexpected.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        unexpected.Add("no answer: " + e.Message);
                    }

                    await Task.Delay(100);
                }
            }
        })));

        await Task.Delay(2000);
        var beforeStop = acknowledged.Values.Sum();
        await _postgres.StopServerAsync();
        var down = Stopwatch.StartNew();
        await Task.Delay(3000);
        var whileDown = new List<HttpResponseMessage>();
        foreach (var url in urls)
        {
            whileDown.Add(await http.PutAsync($"{url}/api/customers/probe-{whileDown.Count}", new StringContent("""{"outstandingAmount":1}""", Encoding.UTF8, "application/json")));
            whileDown.Add(await http.GetAsync($"{url}/api/customers/never-seen"));
        }

        var ackedWhileDown = acknowledged.Values.Sum();
        await Task.Delay(2000);
        var ackedWhileDownLater = acknowledged.Values.Sum();
        var downFor = down.Elapsed;
        await _postgres.StartServerAsync();

        // Full service: every silo stores a new customer (activation read + write) within 10 s.
        var back = Stopwatch.StartNew();
        var recovered = new TimeSpan[urls.Count];
        await Task.WhenAll(urls.Select(async (url, i) =>
        {
            for (var n = 0; back.Elapsed < TimeSpan.FromSeconds(30); n++)
            {
                try
                {
                    using var response = await http.PutAsync($"{url}/api/customers/back-{i}-{n}", new StringContent("""{"outstandingAmount":2}""", Encoding.UTF8, "application/json"));
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        recovered[i] = back.Elapsed;
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }

                await Task.Delay(100);
            }

            recovered[i] = TimeSpan.MaxValue;
        }));

        await Task.Delay(2000);
        await stopLoad.CancelAsync();
        await load;

        output.WriteLine($"""
            {beforeStop:N0} updates acknowledged before the stop; PostgreSQL down {downFor.TotalSeconds:0.0} s: {ackedWhileDownLater - ackedWhileDown} acknowledged in its last 2 s, {unavailable.Count:N0} answers 503 ({string.Join(", ", unavailable.Distinct())})
            every silo stores again after {string.Join(" / ", recovered.Select(r => r == TimeSpan.MaxValue ? "never" : $"{r.TotalSeconds:0.0} s"))}; {acknowledged.Values.Sum():N0} updates acknowledged in all, {Interlocked.Read(ref attempts):N0} attempts
            """);
        foreach (var answer in whileDown)
        {
            Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"{answer.RequestMessage!.Method} {answer.RequestMessage.RequestUri} while PostgreSQL was down: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(answer.Headers.RetryAfter);
        }

        Assert.Empty(unexpected);
        Assert.NotEmpty(unavailable);
        Assert.All(unavailable, u => Assert.Equal("application/problem+json retry-after=5", u));
        Assert.Equal(ackedWhileDown, ackedWhileDownLater); // nothing is acknowledged while nothing can commit
        Assert.All(recovered, r => Assert.True(r < TimeSpan.FromSeconds(10), $"a silo took writes again only after {r}"));

        await using var connection = new NpgsqlConnection(_postgres.ConnectionString);
        await connection.OpenAsync();
        foreach (var (id, sequence) in acknowledged)
        {
            await using var command = new NpgsqlCommand("""
                select last_sequence, outstanding_amount,
                       (select count(*) from customer_audit a where a.tenant_id = c.tenant_id and a.customer_id = c.customer_id and a.kind = 'update')
                from customers c where tenant_id = 'restart' and customer_id = @id
                """, connection);
            command.Parameters.AddWithValue("id", id);
            await using var row = await command.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync(), $"{id}: acknowledged but not stored");
            Assert.Equal(sequence, row.GetInt64(0));
            Assert.Equal(sequence, row.GetDecimal(1));
            Assert.Equal(sequence, row.GetInt64(2)); // one update entry per acknowledged sequence: none lost, none twice
        }
    }
}
