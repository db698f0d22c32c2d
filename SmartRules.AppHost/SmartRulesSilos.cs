namespace SmartRules.AppHost;

public static class SmartRulesSilos
{
    /// <summary>
    /// The silos: SmartRules.Server replicas wired by Aspire's Orleans integration (ADO.NET clustering and reminders on
    /// <paramref name="database"/>, each replica its own silo and gateway ports), each serving the HTTP API on its own
    /// port behind one proxied endpoint (<c>SmartRules:ApiPort</c>, 5080 by default; 0 for any), healthy when
    /// <c>/health</c> is.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSmartRulesSilos(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<IResourceWithConnectionString> database, IResourceBuilder<ParameterResource> adminKey, int replicas)
    {
        // A fixed ServiceId: Orleans keys stored grain state and reminders by it. The ClusterId is new on every start.
        var orleans = builder.AddOrleans("smartrules-cluster")
            .WithServiceId("smartrules")
            .WithClustering(database)
            .WithReminders(database);
        var apiPort = builder.Configuration.GetValue<int?>("SmartRules:ApiPort") ?? 5080;
        var silos = builder.AddProject<Projects.SmartRules_Server>(name).WithReference(orleans);
        // The silo's own key, ConnectionStrings:SmartRules; Orleans' reference already sets it when the database has that name.
        if (!string.Equals(database.Resource.Name, "SmartRules", StringComparison.OrdinalIgnoreCase)) silos.WithReference(database, "SmartRules");
        return silos
            .WaitFor(database)
            .WithEnvironment("SmartRules__AdminKey", adminKey)
            .WithHttpEndpoint(port: apiPort > 0 ? apiPort : null)
            .WithHttpHealthCheck("/health")
            .WithReplicas(replicas)
            .WithUrlForEndpoint("http", url => url.DisplayText = "API")
            .WithUrls(context =>
            {
                if (context.GetEndpoint("http") is not { } http) return;
                context.Urls.Add(new() { Url = $"{http.Url}/reference", DisplayText = "API reference", Endpoint = http });
                context.Urls.Add(new() { Url = $"{http.Url}/dashboard", DisplayText = "Orleans dashboard (admin key as password)", Endpoint = http });
                context.Urls.Add(new() { Url = $"{http.Url}/health", DisplayText = "Health", Endpoint = http });
            });
    }
}
