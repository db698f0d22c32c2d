extern alias server;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SmartRules.Console.Tests;

/// <summary>
/// The real API (SmartRules.Server's <c>Program</c>: one silo + the HTTP API) on a PostgreSQL database of its own, over
/// real HTTP on loopback — started as tests/SmartRules.Server.Tests/ApiFixture.cs starts it.
/// </summary>
public sealed class ApiServer : WebApplicationFactory<server::Program>
{
    public const string AdminKey = "console-test-admin-key";

    private readonly TestDatabase database;

    private ApiServer(TestDatabase database) => this.database = database;

    public static async Task<ApiServer> StartAsync()
    {
        var server = new ApiServer(await TestDatabase.CreateAsync(migrate: false));
        server.UseKestrel(0);
        server.StartServer();
        return server;
    }

    public Uri Address => ClientOptions.BaseAddress;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:SmartRules", database.ConnectionString);
        builder.UseSetting("SmartRules:AdminKey", AdminKey);
        builder.UseSetting("Orleans:ClusterId", "console-" + Guid.NewGuid().ToString("N")[..8]);
        builder.UseSetting("Orleans:SiloPort", Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    /// <summary>A new tenant made through the admin API, and a client carrying its key.</summary>
    public async Task<(string ApiKey, HttpClient Client)> TenantAsync()
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..10];
        using var admin = CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await admin.PostAsJsonAsync("/admin/tenants", new { id, name = "Tenant " + id });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (key, client);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await database.DisposeAsync();
    }
}
