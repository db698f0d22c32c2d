using SmartRules.Persistence.Customers;

namespace SmartRules.Server.Hosting;

/// <summary>
/// The customer shards a silo is configured with: <c>SmartRules:CustomerShards</c>, a comma-separated list of
/// connection-string names, each in <c>ConnectionStrings:</c>. The cluster database is always a shard as well
/// (<see cref="CustomerDatabase.ClusterDatabaseName"/>), listed or not. A name without a connection string stops the
/// silo at start-up: a silo that silently lacked a shard would answer that shard's tenants 503 forever.
/// </summary>
public static class CustomerShards
{
    public const string ConfigurationKey = "SmartRules:CustomerShards";

    /// <summary>The shards besides the cluster database, in the order configured, with their connection strings (not yet tuned).</summary>
    public static IReadOnlyList<(string Name, string ConnectionString)> Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var shards = new List<(string, string)>();
        var names = (configuration[ConfigurationKey] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names.Where(n => n != CustomerDatabase.ClusterDatabaseName))
        {
            if (shards.Exists(s => s.Item1 == name)) throw new InvalidOperationException($"{ConfigurationKey} names '{name}' twice.");
            var connectionString = configuration.GetConnectionString(name);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException($"{ConfigurationKey} names '{name}', but ConnectionStrings:{name} (environment: ConnectionStrings__{name}) is not set.");
            }

            shards.Add((name, connectionString));
        }

        return shards;
    }
}
