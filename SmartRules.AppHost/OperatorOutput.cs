using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SmartRules.AppHost;

public static class OperatorOutput
{
    /// <summary>A new admin key for one run of the AppHost (give <c>SmartRules:AdminKey</c> to keep one).</summary>
    public static string NewAdminKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Once the silos are ready: the API's URL, its reference, the Orleans dashboard and the admin key, next to the
    /// dashboard's login URL that Aspire prints itself.
    /// </summary>
    public static void PrintWhereThingsAre(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> silos, IResourceBuilder<ParameterResource> adminKey) =>
        builder.Eventing.Subscribe<ResourceReadyEvent>(silos.Resource, async (e, cancellationToken) =>
        {
            var api = silos.GetEndpoint("http").Url;
            var key = await adminKey.Resource.GetValueAsync(cancellationToken);
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SmartRules");
#pragma warning disable CA1848, CA1873 // Printed once for the operator.
            logger.LogInformation("SmartRules API: {Api} (reference {Api}/reference, Orleans dashboard {Api}/dashboard, health {Api}/health)", api, api, api, api);
            logger.LogInformation("SmartRules admin key: {AdminKey}", key);
#pragma warning restore CA1848, CA1873
        });
}
