extern alias server;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SmartRules.Console.Tests;

/// <summary>
/// The real API (SmartRules.Server's <c>Program</c>: one silo + the HTTP API) on a PostgreSQL database of its own, over
/// real HTTP on loopback — started with the settings of <see cref="TestServer"/>, as tests/SmartRules.Server.Tests/ApiFixture.cs starts it.
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
        foreach (var (key, value) in TestServer.Settings(database.ConnectionString, AdminKey, "console")) builder.UseSetting(key, value);
    }

    /// <summary>A new tenant made through the admin API, and a client carrying its key.</summary>
    public async Task<(string ApiKey, HttpClient Client)> TenantAsync()
    {
        using var admin = CreateClient().WithKey(AdminKey);
        var (_, key) = await TestServer.CreateTenantAsync(admin);
        return (key, CreateClient().WithKey(key));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await database.DisposeAsync();
    }
}
