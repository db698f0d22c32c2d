using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// Three silos on three hosts: network namespaces of the test's own on a bridge, each silo advertising its host's
/// address, PostgreSQL (a server of the test's own) listening on the bridge. The silos must form one cluster (each
/// advertising its own address), a customer written through one host must read the same through the others, and
/// SIGKILL of one host's silo while updates stream through all three keeps the usual guarantees: nothing acknowledged
/// lost, nothing applied twice, one notification per crossing.
/// </summary>
public sealed class MultiHostTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private NetworkHosts? _network;
    private ThrowawayPostgres? _postgres;
    private SiloCluster? _cluster;

    public async Task InitializeAsync()
    {
        try
        {
            _network = await NetworkHosts.CreateAsync(3);
            _postgres = await ThrowawayPostgres.StartAsync(_network.BridgeAddress);
            _cluster = await SiloCluster.StartAsync(_postgres.ConnectionString, hosts: _network.Hosts);
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        // The namespaces go whatever happened before.
        try
        {
            if (_cluster is not null) await _cluster.DisposeAsync();
            if (_postgres is not null) await _postgres.DisposeAsync();
        }
        finally
        {
            if (_network is not null) await _network.DisposeAsync();
        }
    }

    [Fact]
    public async Task Silos_on_three_hosts_form_one_cluster_agree_on_every_customer_and_survive_a_kill()
    {
        var network = _network!;
        var cluster = _cluster!;
        var hosts = network.Hosts;
        var urls = cluster.Urls;

        // One cluster: every silo active in the membership table under its own host's address.
        var members = await ActiveMembersAsync();
        Assert.Equal(hosts.Select(h => h.Address).Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));

        // Written through one host, read through the others: the same state, never a stale one.
        using var http = await cluster.TenantAsync("hosts");
        var customers = 300;
        var stale = 0;
        var written = Stopwatch.StartNew();
        for (var i = 0; i < customers; i++)
        {
            var id = $"m{i:000}";
            var writer = i % hosts.Count;
            for (var round = 1; round <= 2; round++)
            {
                var amount = (i * 10) + round;
                using var put = await http.PutAsync($"{urls[writer]}/api/customers/{id}", new StringContent($$$"""{"outstandingAmount":{{{amount}}},"customFields":{"Round":"{{{round}}}"}}""", Encoding.UTF8, "application/json"));
                Assert.True(put.IsSuccessStatusCode, $"PUT {id} through host {writer + 1}: {(int)put.StatusCode}");
                foreach (var reader in Enumerable.Range(0, hosts.Count).Where(r => r != writer))
                {
                    var read = await http.GetFromJsonAsync<JsonObject>($"{urls[reader]}/api/customers/{id}");
                    if (read!["outstandingAmount"]!.GetValue<decimal>() != amount) stale++;
                }

                writer = (writer + 1) % hosts.Count;
            }
        }

        output.WriteLine($"{customers} customers written twice through alternating hosts and read through the two others after each write in {written.Elapsed.TotalSeconds:0.0} s: {stale} stale answers");
        Assert.Equal(0, stale);

        // Updates streamed through all three hosts; one host's silo is killed.
        await using var webhooks = await WebhookReceiver.StartAsync(network.BridgeAddress);
        using var streaming = await cluster.TenantAsync("stream");
        var model = await StreamWorkload.SetUpAsync(streaming, webhooks.Url);
        var streamed = ScenarioSettings.Int("SMARTRULES_HOSTS_CUSTOMERS", 2_000);
        var load = new StreamLoad(cluster, streaming, streamed, keepLog: true) { Rate = ScenarioSettings.Int("SMARTRULES_HOSTS_RATE", 3_000) };
        load.Start();
        while (load.CustomersSeen < streamed && load.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        var (steadyFrom, sentBeforeSteady) = (load.Elapsed, load.Sent);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var steadyRate = (load.Sent - sentBeforeSteady) / (load.Elapsed - steadyFrom).TotalSeconds;
        cluster.Kill(2);
        var killedAt = load.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(10));
        await load.StopAsync();
        var survivors = await ActiveMembersAsync();
        var verdict = await StreamVerdict.CheckAsync(_postgres!.ConnectionString, "stream", model, load, webhooks);
        var sorted = load.TakeLatencies().Order().ToArray();
        output.WriteLine($"""
            hosts {string.Join(", ", hosts.Select(h => $"{h.Namespace} {h.Address}"))}; PostgreSQL on {network.BridgeAddress}
            {load.Sent:N0} updates acknowledged in {load.Elapsed.TotalSeconds:0.0} s through all three hosts across {load.Acknowledged.Count:N0} customers ({steadyRate:N0}/s before the kill); SIGKILL of the silo on {hosts[2].Address} at {killedAt.TotalSeconds:0.0} s
            request latency (50 lines) p50 {sorted[sorted.Length / 2]:0.0} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:0.0} ms; {load.FailedAttempts} requests failed around the kill ({string.Join(", ", load.Failures.Select(f => $"{f.Value} × {f.Key}"))}), {load.RetriedLines:N0} lines retried
            active members after the kill: {string.Join(", ", survivors)}
            {verdict.Summary}, {load.Rejected.Count} updates refused as excluded
            """);
        verdict.AssertHolds();
        Assert.True(load.FailedAttempts > 0, "the kill made no request fail: it tested nothing");
        Assert.Equal(hosts.Take(2).Select(h => h.Address).Order(StringComparer.Ordinal), survivors.Order(StringComparer.Ordinal));
    }

    /// <summary>The advertised addresses of the silos the membership table holds as active.</summary>
    private async Task<List<string>> ActiveMembersAsync()
    {
        await using var connection = new NpgsqlConnection(_postgres!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select address from orleansmembershiptable where status = 3", connection);
        await using var row = await command.ExecuteReaderAsync();
        var addresses = new List<string>();
        while (await row.ReadAsync()) addresses.Add(row.GetString(0));
        return addresses;
    }
}
