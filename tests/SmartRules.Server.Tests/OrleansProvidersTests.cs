using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using SmartRules.Server.Hosting;

namespace SmartRules.Server.Tests;

/// <summary>The keys .NET Aspire's Orleans integration sets, resolved the way the server resolves them (no database needed).</summary>
public sealed class OrleansProvidersTests
{
    private const string Database = "Host=db.example;Port=5433;Username=smartrules;Database=smartrules";

    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        OrleansProviders.AddAdoNetDefaults(builder.Configuration);
        builder.UseOrleans(_ => { });
        return builder.Build();
    }

    [Fact]
    public void Aspire_keys_configure_ADO_NET_clustering_and_reminders_on_the_named_database_through_Npgsql()
    {
        using var host = Build(
            ("ConnectionStrings:postgres", Database),
            ("Orleans:Clustering:ProviderType", "AdoNet"),
            ("Orleans:Clustering:ServiceKey", "postgres"),
            ("Orleans:Reminders:ProviderType", "AdoNet"),
            ("Orleans:Reminders:ServiceKey", "postgres"));

        var clustering = host.Services.GetRequiredService<IOptions<AdoNetClusteringSiloOptions>>().Value;
        var reminders = host.Services.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value;
        foreach (var (invariant, connectionString) in new[] { (clustering.Invariant, clustering.ConnectionString), (reminders.Invariant, reminders.ConnectionString) })
        {
            Assert.Equal("Npgsql", invariant);
            var resolved = new NpgsqlConnectionStringBuilder(connectionString);
            Assert.Equal("db.example", resolved.Host);
            Assert.Equal(5433, resolved.Port);
            Assert.Equal(SmartRulesDatabase.OrleansPoolSize, resolved.MaxPoolSize); // tuned like the silo's own Orleans providers
        }

        Assert.True(OrleansProviders.IsConfigured(host.Services.GetRequiredService<IConfiguration>(), "Clustering"));
        Assert.True(OrleansProviders.IsConfigured(host.Services.GetRequiredService<IConfiguration>(), "Reminders"));
    }

    [Fact]
    public void Given_values_are_kept()
    {
        using var host = Build(
            ("Orleans:Clustering:ProviderType", "AdoNet"),
            ("Orleans:Clustering:Invariant", "Npgsql"),
            ("Orleans:Clustering:ConnectionString", Database + ";Maximum Pool Size=7"));

        var clustering = host.Services.GetRequiredService<IOptions<AdoNetClusteringSiloOptions>>().Value;
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(clustering.ConnectionString).MaxPoolSize);
    }

    [Fact]
    public void Without_a_provider_type_the_server_keeps_its_own_keys()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection([KeyValuePair.Create("ConnectionStrings:SmartRules", (string?)Database), KeyValuePair.Create("Orleans:SiloPort", (string?)"11112")]);
        OrleansProviders.AddAdoNetDefaults(configuration);
        Assert.False(OrleansProviders.IsConfigured(configuration, "Clustering"));
        Assert.False(OrleansProviders.IsConfigured(configuration, "Reminders"));
        Assert.Null(configuration["Orleans:Clustering:ConnectionString"]);
    }

    [Fact]
    public void A_service_key_without_its_connection_string_is_named_in_the_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("Orleans:Clustering:ProviderType", "AdoNet"), ("Orleans:Clustering:ServiceKey", "missing")));
        Assert.Contains("ConnectionStrings:missing", error.Message, StringComparison.Ordinal);
    }
}
