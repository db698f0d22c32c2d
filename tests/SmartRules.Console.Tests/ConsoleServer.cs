extern alias console;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SmartRules.Console.Tests;

/// <summary>The console (its own <c>Program</c>) on Kestrel on a real port, on the given API.</summary>
public sealed class ConsoleServer(Uri api) : WebApplicationFactory<console::Program>
{
    public static ConsoleServer Start(Uri api)
    {
        var server = new ConsoleServer(api);
        server.UseKestrel(0);
        server.StartServer();
        return server;
    }

    public Uri Address => ClientOptions.BaseAddress;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("SmartRules:ApiUrl", api.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
