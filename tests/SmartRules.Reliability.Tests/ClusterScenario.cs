namespace SmartRules.Reliability.Tests;

/// <summary>A scenario on a fresh database of the shared PostgreSQL server and a three-silo cluster of its own.</summary>
public abstract class ClusterScenario : IAsyncLifetime
{
    protected TestDatabase Database { get; private set; } = null!;

    protected SiloCluster Cluster { get; private set; } = null!;

    /// <summary>Extra configuration for every silo (environment variable names).</summary>
    protected virtual IReadOnlyDictionary<string, string>? SiloSettings => null;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Cluster = await SiloCluster.StartAsync(Database.ConnectionString, settings: SiloSettings);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }
}
