using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using SmartRules.Grains;
using SmartRules.Server.Hosting;

namespace SmartRules.Server.Tests;

/// <summary>
/// How many connections a silo may hold to its database: every pool it opens, resolved the way the server resolves
/// them (nothing started, no database needed). A reliability run failed on "remaining connection slots are reserved"
/// when three silos loaded customers together: each held a data-source pool and, for Orleans' providers, a second pool
/// in Npgsql's shared ones, 24 connections each.
/// </summary>
public sealed class ConnectionBudgetTests
{
    private const string Database = "Host=db.example;Port=5433;Username=smartrules;Database=smartrules";

    /// <summary>A default PostgreSQL: 100 connections, 3 of them for superusers, and 10 left for migrations and tools.</summary>
    private const int DefaultServerRoomForSilos = 100 - 3 - 10;

    private static IEnumerable<string?> PoolsOfASilo(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        OrleansProviders.AddAdoNetDefaults(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            if (!OrleansProviders.IsConfigured(builder.Configuration, "Clustering")) silo.UseSmartRulesClustering(Database);
            silo.AddSmartRules(Database, builder.Configuration);
        });
        using var host = builder.Build();
        var services = host.Services;
        yield return services.GetRequiredService<IOptions<AdoNetClusteringSiloOptions>>().Value.ConnectionString;
        yield return services.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value.ConnectionString;
        foreach (var name in new[] { GrainStorageNames.Rules, GrainStorageNames.Tenants, GrainStorageNames.Backfills })
        {
            yield return services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(name).ConnectionString;
        }

        yield return services.GetRequiredService<NpgsqlDataSource>().ConnectionString;
    }

    public static TheoryData<string> Configurations => ["the server's own keys", ".NET Aspire's keys"];

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Every_pool_of_a_silo_together_leaves_a_default_PostgreSQL_room_for_three_silos(string configuration)
    {
        var pools = (configuration == ".NET Aspire's keys"
                ? PoolsOfASilo(("ConnectionStrings:postgres", Database), ("Orleans:Clustering:ProviderType", "AdoNet"),
                    ("Orleans:Clustering:ServiceKey", "postgres"), ("Orleans:Reminders:ProviderType", "AdoNet"), ("Orleans:Reminders:ServiceKey", "postgres"))
                : PoolsOfASilo())
            .Select(p => p ?? throw new InvalidOperationException("a provider without a connection string")).ToList();

        // Npgsql keeps one pool per distinct connection string (Orleans' providers) and one per data source.
        var shared = pools.SkipLast(1).Distinct().Select(p => new NpgsqlConnectionStringBuilder(p).MaxPoolSize).ToList();
        var dataSource = new NpgsqlConnectionStringBuilder(pools[^1]).MaxPoolSize;
        var perSilo = shared.Sum() + dataSource;
        Assert.Single(shared); // all of Orleans' providers share one pool
        Assert.Equal(SmartRulesDatabase.ConnectionsPerSilo, perSilo);
        Assert.True(3 * perSilo <= DefaultServerRoomForSilos, $"a silo may hold {perSilo} connections ({string.Join(" + ", shared)} for Orleans, {dataSource} for its data sources): three hold {3 * perSilo}, more than the {DefaultServerRoomForSilos} a default PostgreSQL leaves them");
    }

    [Fact]
    public void A_pool_size_given_in_the_connection_string_is_kept_under_any_of_its_names()
    {
        foreach (var name in new[] { "Maximum Pool Size", "MaxPoolSize", "maximum pool size" })
        {
            Assert.Equal(7, new NpgsqlConnectionStringBuilder(SmartRulesDatabase.Tune($"{Database};{name}=7")).MaxPoolSize);
            Assert.Equal(7, new NpgsqlConnectionStringBuilder(SmartRulesDatabase.TuneForOrleans($"{Database};{name}=7")).MaxPoolSize);
        }
    }
}
