using System.Diagnostics;
using System.Net;
using System.Text;
using Npgsql;

namespace SmartRules.Server.Tests;

/// <summary>
/// PostgreSQL goes away under load and comes back: nothing is acknowledged without a commit, the API answers 503 with
/// Retry-After while it is down, and service is back within 10 s of its return.
/// </summary>
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private ThrowawayPostgres _postgres = null!;
    private ApiFixture _api = null!;

    public async Task InitializeAsync()
    {
        _postgres = await ThrowawayPostgres.StartAsync();
        _api = new ApiFixture { ServerConnectionString = _postgres.ConnectionString };
        await _api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_database_restart_under_load_loses_no_acknowledged_update_and_service_returns_quickly()
    {
        var (tenant, client) = await _api.TenantAsync();
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var unavailable = 0;
        var retryAfterMissing = 0;
        using var stopLoad = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            for (long sequence = 1; !stopLoad.IsCancellationRequested; sequence++)
            {
                var id = $"w{worker}";
                try
                {
                    using var response = await client.PutAsync($"/api/customers/{id}", new StringContent($$"""{"outstandingAmount":{{sequence}},"sequence":{{sequence}}}""", Encoding.UTF8, "application/json"));
                    if (response.IsSuccessStatusCode) acknowledged[id] = sequence;
                    else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref unavailable);
                        if (response.Headers.RetryAfter is null) Interlocked.Increment(ref retryAfterMissing);
                        await Task.Delay(100);
                    }
                    else Assert.Fail($"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }
        }));

        await Task.Delay(1500);
        await _postgres.StopServerAsync();
        await Task.Delay(3000);
        var whileDown = await client.PutAsync("/api/customers/probe", new StringContent("""{"outstandingAmount":1}""", Encoding.UTF8, "application/json"));
        await _postgres.StartServerAsync();
        var back = Stopwatch.StartNew();
        while ((await client.PutAsync("/api/customers/probe", new StringContent("""{"outstandingAmount":2}""", Encoding.UTF8, "application/json"))).StatusCode != HttpStatusCode.OK
               && back.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        var recovery = back.Elapsed;
        await Task.Delay(1000);
        await stopLoad.CancelAsync();
        await load;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileDown.StatusCode);
        Assert.NotNull(whileDown.Headers.RetryAfter);
        Assert.True(unavailable > 0);
        Assert.Equal(0, retryAfterMissing);
        Assert.True(recovery < TimeSpan.FromSeconds(10), $"service came back after {recovery.TotalSeconds:0.0} s");
        // Every acknowledged update is committed: each customer's stored sequence is at least the last one acknowledged.
        await using var connection = new NpgsqlConnection(_api.Database.ConnectionString);
        await connection.OpenAsync();
        foreach (var (id, sequence) in acknowledged)
        {
            await using var command = new NpgsqlCommand("select last_sequence from customers where tenant_id = @t and customer_id = @c", connection);
            command.Parameters.AddWithValue("t", tenant);
            command.Parameters.AddWithValue("c", id);
            Assert.True((long)(await command.ExecuteScalarAsync())! >= sequence, $"{id}: acknowledged {sequence} but not stored");
        }
    }
}
