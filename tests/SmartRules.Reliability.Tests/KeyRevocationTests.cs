using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// A key accepted (and so cached) on three silos, revoked through one: the moment the DELETE has answered, the two
/// others refuse it too, called at the same time — the revocation is pushed to every silo like a rule change, and the
/// one-minute acceptance cache does not outlive it. Repeated over several keys so a lucky ordering cannot pass it.
/// </summary>
public sealed class KeyRevocationTests(Xunit.Abstractions.ITestOutputHelper output) : ClusterScenario
{
    [Fact]
    public async Task A_key_revoked_through_one_silo_is_refused_by_the_others_at_once()
    {
        using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SiloCluster.AdminKey);
        var urls = Cluster.Urls;
        (await admin.PostAsJsonAsync(urls[0] + "/admin/tenants", new { id = "revoke", name = "Revoke" })).EnsureSuccessStatusCode();
        var rounds = 5;
        var clock = new Stopwatch();
        for (var round = 0; round < rounds; round++)
        {
            var created = (await (await admin.PostAsync(urls[0] + "/admin/tenants/revoke/keys", null)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
            using var tenant = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            tenant.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created["apiKey"]!.GetValue<string>());

            // Warm: every silo has accepted the key, so each holds it in its cache.
            foreach (var url in urls) Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync(url + "/api/rules")).StatusCode);

            var revokeThrough = round % urls.Count;
            clock.Restart();
            var revoked = await admin.DeleteAsync($"{urls[revokeThrough]}/admin/tenants/revoke/keys/{created["keyId"]!.GetValue<string>()}");
            var revokeTook = clock.Elapsed;
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
            var others = urls.Where((_, i) => i != revokeThrough).ToList();
            var answers = await Task.WhenAll(others.Select(url => tenant.GetAsync(url + "/api/rules")));
            output.WriteLine($"round {round + 1}: revoked through silo {revokeThrough + 1} in {revokeTook.TotalMilliseconds:0} ms; the others answered {string.Join(", ", answers.Select(a => (int)a.StatusCode))}");
            Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode));
            Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.GetAsync(urls[revokeThrough] + "/api/rules")).StatusCode);
        }

        // Every key made above is gone from the listing; the tenant's first key remains, its last use recorded.
        var keys = (await admin.GetFromJsonAsync<JsonArray>(urls[1] + "/admin/tenants/revoke/keys"))!;
        Assert.Single(keys);
    }
}
