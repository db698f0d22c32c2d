using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SmartRules.AppHost;

public static class SmartRulesConsole
{
    /// <summary>
    /// The web console (SmartRules.Console) on the silos' API: it finds the API by service discovery through the
    /// reference (<c>https+http://{silos}</c>), serves on its own endpoint (<c>SmartRules:ConsolePort</c>, 5090 by
    /// default; 0 for any) and is healthy when its <c>/health</c> is. Its URL is printed once it is ready.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSmartRulesConsole(this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ProjectResource> silos)
    {
        var port = builder.Configuration.GetValue<int?>("SmartRules:ConsolePort") ?? 5090;
        var console = builder.AddProject<Projects.SmartRules_Console>(name)
            .WithReference(silos)
            .WithEnvironment("SmartRules__ApiUrl", $"https+http://{silos.Resource.Name}")
            .WaitFor(silos)
            .WithHttpEndpoint(port: port > 0 ? port : null)
            .WithHttpHealthCheck("/health")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Console (sign in with a tenant API key)");
        builder.Eventing.Subscribe<ResourceReadyEvent>(console.Resource, (e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SmartRules");
#pragma warning disable CA1848, CA1873 // Printed once for the operator.
            logger.LogInformation("SmartRules console: {Console} (sign in with a tenant API key)", console.GetEndpoint("http").Url);
#pragma warning restore CA1848, CA1873
            return Task.CompletedTask;
        });
        return console;
    }
}
