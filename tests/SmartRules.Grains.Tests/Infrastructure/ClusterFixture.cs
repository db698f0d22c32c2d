using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using SmartRules.Contracts.Tenants;
using SmartRules.Server.Hosting;

namespace SmartRules.Grains.Tests.Infrastructure;

/// <summary>
/// A two-silo in-process cluster on a PostgreSQL database of its own (created and dropped with the fixture), with a
/// local webhook receiver and a local SMTP receiver for notifications. Membership and transport are the test
/// cluster's own; storage, reminders, the customer store and the outbox are the real ones on PostgreSQL.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public WebhookReceiver Webhooks { get; private set; } = null!;

    public SmtpReceiver Smtp { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        await BeforeClusterAsync();
        Webhooks = await WebhookReceiver.StartAsync();
        Smtp = SmtpReceiver.Start();
        var settings = new Dictionary<string, string?>
        {
            ["SmartRules:Notifications:PollInterval"] = "00:00:00.100",
            ["SmartRules:Notifications:AllowPrivateWebhookAddresses"] = "true", // the test's receiver is on loopback
            ["SmartRules:Notifications:FirstBackoff"] = "00:00:00.200",
            ["SmartRules:Notifications:MaxAttempts"] = "4",
            ["SmartRules:Notifications:Lease"] = "00:00:05",
            ["SmartRules:Notifications:Smtp:Host"] = "127.0.0.1",
            ["SmartRules:Notifications:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SmartRules:Notifications:Smtp:Security"] = "None",
            ["SmartRules:Backfills:PageSize"] = "200",
            ["SmartRules:Backfills:ReminderPeriod"] = "00:00:02",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSmartRules(Database.ConnectionString, configuration);
            ConfigureSilo(silo);
            // Reminders every 2 s (production: the 1-minute minimum) so that a backfill resumes quickly after a kill.
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Runs after the database is made and before the cluster starts.</summary>
    protected virtual Task BeforeClusterAsync() => Task.CompletedTask;

    /// <summary>Changes to each silo after SmartRules is added (a registration here replaces SmartRules' own).</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Smtp.DisposeAsync();
        await Webhooks.DisposeAsync();
        await Database.DisposeAsync();
    }

    public IEnumerable<T> OnEverySilo<T>()
        where T : notnull =>
        Cluster.GetActiveSilos().Select(silo => Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<T>());

    /// <summary>Creates a tenant with a few users and workflows, and returns its id.</summary>
    public async Task<string> CreateTenantAsync(string? id = null)
    {
        id ??= "t-" + Guid.NewGuid().ToString("N")[..10];
        var tenant = Grains.GetGrain<ITenantGrain>(TenantKey.Of(id));
        Assert.NotNull(await tenant.CreateAsync(id, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))));
        foreach (var email in new[] { "ann@acme.test", "bob@acme.test" }) await tenant.PutUserAsync(new DirectoryUser(email, email[..3]));
        foreach (var workflow in new[] { "collections", "legal", "vip" }) await tenant.PutWorkflowAsync(new DirectoryWorkflow(workflow, workflow));
        return id;
    }
}
