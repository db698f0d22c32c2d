using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SmartRules.Server.Tests;

/// <summary>
/// The real server (<c>Program</c>: one silo + the API) on a PostgreSQL database of its own, reached over real HTTP on
/// loopback through WebApplicationFactory; tenants are created through the admin API like a client would.
/// </summary>
public sealed class ApiFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminKey = "test-admin-key";

    public TestDatabase Database { get; private set; } = null!;

    /// <summary>More configuration for the server, set before it starts.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>The server to create the test database on; <c>SMARTRULES_TEST_PG</c> (or the local default) when null.</summary>
    public string? ServerConnectionString { get; init; }

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(migrate: false, ServerConnectionString);
        // Real HTTP on loopback (Kestrel), not the in-memory test server: streaming bodies and raw request targets
        // behave as they do for clients.
        UseKestrel(0);
        StartServer(); // the host: migration, silo, API
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in TestServer.Settings(Database.ConnectionString, AdminKey, "api")) builder.UseSetting(key, value);
        builder.UseSetting("SmartRules:Ingestion:MaxLineBytes", "4096");
        builder.UseSetting("SmartRules:Ingestion:MaxBodyBytes", "200000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }

    public HttpClient Admin() => CreateClient().WithKey(AdminKey);

    /// <summary>Creates a tenant through the admin API (on <paramref name="shard"/> when given), with users and workflows, and a client carrying its key.</summary>
    public async Task<(string Id, HttpClient Client)> TenantAsync(string? shard = null)
    {
        using var admin = Admin();
        var (id, key) = await TestServer.CreateTenantAsync(admin, shard);
        var client = CreateClient().WithKey(key);
        foreach (var email in new[] { "ann@acme.test", "bob@acme.test", "cid@acme.test" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/users/{email}", new { name = email[..3] })).StatusCode);
        }

        foreach (var workflow in new[] { "collections", "legal", "vip" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/workflows/{workflow}", new { name = workflow })).StatusCode);
        }

        return (id, client);
    }
}

internal static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PutJson(this HttpClient client, string url, string json) => client.PutAsync(url, Json(json));

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, string json) => client.PostAsync(url, Json(json));

    public static async Task<JsonNode> Body(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    /// <summary>Asserts a 400 problem whose errors name <paramref name="field"/>.</summary>
    public static async Task<JsonNode> AssertInvalid(this HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        var errors = body["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"errors has no '{field}': {text}");
        return body;
    }

    public static string Text(this JsonNode? node) => node?.GetValue<string>() ?? throw new InvalidOperationException("missing value");
}
