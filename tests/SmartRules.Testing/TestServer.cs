using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SmartRules.Testing;

/// <summary>
/// What the test projects that host the real server in process (SmartRules.Server's <c>Program</c> behind
/// <c>WebApplicationFactory</c>: one silo and the HTTP API) share: the settings it starts with, and tenants made
/// through its admin API the way a client makes them.
/// </summary>
public static class TestServer
{
    /// <summary>
    /// The configuration of one in-process server: its database, admin key, a cluster of its own (id starting with
    /// <paramref name="clusterPrefix"/>) on free silo and gateway ports, and warnings only in the test output.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Settings(string connectionString, string adminKey, string clusterPrefix) =>
        new Dictionary<string, string>
        {
            ["ConnectionStrings:SmartRules"] = connectionString,
            ["SmartRules:AdminKey"] = adminKey,
            ["Orleans:ClusterId"] = clusterPrefix + "-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:SiloPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };

    /// <summary>
    /// A new tenant (named <paramref name="id"/>, else a new id; on <paramref name="shard"/> when given) made with
    /// <paramref name="admin"/>, a client carrying the admin key: its id and API key.
    /// </summary>
    public static async Task<(string Id, string ApiKey)> CreateTenantAsync(HttpClient admin, string? shard = null, string? id = null)
    {
        id ??= "t-" + Guid.NewGuid().ToString("N")[..10];
        using var created = await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "Tenant " + id, shard });
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"creating tenant {id} answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        }

        return (id, (await created.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>());
    }

    /// <summary>Makes <paramref name="client"/> send <paramref name="key"/> as its bearer token; returns it.</summary>
    public static HttpClient WithKey(this HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
