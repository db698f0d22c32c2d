namespace SmartRules.Server.Hosting;

/// <summary>
/// Orleans' standard provider configuration, the keys .NET Aspire's Orleans integration sets:
/// <c>Orleans:Clustering:ProviderType</c> and <c>Orleans:Reminders:ProviderType</c> (<c>AdoNet</c>), with
/// <c>ServiceKey</c> naming the connection string. Orleans configures such a provider itself, but its ADO.NET providers
/// read only <c>Invariant</c> and <c>ConnectionString</c>/<c>ConnectionName</c>: this fills those in (Npgsql, and the
/// named connection string tuned like every other pool of the silo). Without a provider type a silo uses today's keys:
/// <c>ConnectionStrings:SmartRules</c> for membership and reminders alike.
/// </summary>
public static class OrleansProviders
{
    private const string AdoNet = "AdoNet";

    /// <summary>True when <c>Orleans:{kind}:ProviderType</c> is set, so Orleans configures that provider from configuration.</summary>
    public static bool IsConfigured(IConfiguration configuration, string kind) =>
        !string.IsNullOrWhiteSpace(configuration[$"Orleans:{kind}:ProviderType"]);

    /// <summary>Fills in what Orleans' ADO.NET providers need and Aspire's keys leave out; call before <c>UseOrleans</c>.</summary>
    public static void AddAdoNetDefaults(IConfigurationManager configuration)
    {
        var defaults = new Dictionary<string, string?>();
        foreach (var kind in new[] { "Clustering", "Reminders" })
        {
            var section = configuration.GetSection($"Orleans:{kind}");
            if (!string.Equals(section["ProviderType"], AdoNet, StringComparison.OrdinalIgnoreCase)) continue;
            if (string.IsNullOrWhiteSpace(section["Invariant"])) defaults[$"{section.Path}:Invariant"] = SmartRulesDatabase.Invariant;
            if (!string.IsNullOrWhiteSpace(section["ConnectionString"])) continue;
            var name = section["ConnectionName"] is { Length: > 0 } connectionName ? connectionName : section["ServiceKey"];
            if (string.IsNullOrWhiteSpace(name)) continue;
            var connectionString = configuration.GetConnectionString(name)
                ?? throw new InvalidOperationException($"{section.Path} names the connection string '{name}', but ConnectionStrings:{name} is not set.");
            defaults[$"{section.Path}:ConnectionString"] = SmartRulesDatabase.TuneForOrleans(connectionString);
        }

        if (defaults.Count > 0) configuration.AddInMemoryCollection(defaults);
    }
}
