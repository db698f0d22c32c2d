using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartRules.Contracts.Backfills;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Tests.Infrastructure;
using SmartRules.Persistence.Audit;
using SmartRules.Persistence.Customers;
using SmartRules.Persistence.Notifications;
using static SmartRules.Grains.Tests.Infrastructure.RuleBuilders;

namespace SmartRules.Grains.Tests;

/// <summary>
/// Every path to customer data goes through <see cref="ICustomerDatabases"/>: with a resolver that puts some tenants on
/// a second database, their customers, change history, outbox (and its delivery), lists, counts, audit trail,
/// re-activation reads and backfills all happen there, and nothing of theirs reaches the cluster's database.
/// </summary>
public sealed class CustomerDatabasesTests(CustomerDatabasesTests.RoutedCluster fixture) : IClassFixture<CustomerDatabasesTests.RoutedCluster>
{
    public sealed class RoutedCluster : ClusterFixture
    {
        public const string Prefix = "elsewhere-";

        public TestDatabase Elsewhere { get; private set; } = null!;

        protected override async Task BeforeClusterAsync() => Elsewhere = await TestDatabase.CreateAsync();

        protected override void ConfigureSilo(ISiloBuilder silo) =>
            silo.ConfigureServices(services => services.AddSingleton<ICustomerDatabases>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<CustomerStoreOptions>>();
                var loggers = sp.GetRequiredService<ILoggerFactory>();
                var pool = sp.GetRequiredService<StringPool>();
                return new ByPrefix(
                    new CustomerDatabase(CustomerDatabase.ClusterDatabaseName, sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), pool, options, loggers),
                    new CustomerDatabase("Elsewhere", Elsewhere.DataSource, pool, options, loggers));
            }));

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await Elsewhere.DisposeAsync();
        }
    }

    private sealed class ByPrefix(CustomerDatabase cluster, CustomerDatabase elsewhere) : ICustomerDatabases
    {
        public IReadOnlyList<CustomerDatabase> All { get; } = [cluster, elsewhere];

        public ValueTask<CustomerDatabase> ForTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(tenantId.StartsWith(RoutedCluster.Prefix, StringComparison.Ordinal) ? elsewhere : cluster);

        public async Task<CustomerDatabase> PlaceAsync(string tenantId, string? shard, CancellationToken cancellationToken = default) =>
            await ForTenantAsync(tenantId, cancellationToken);
    }

    [Fact]
    public async Task A_tenant_routed_elsewhere_has_all_its_customer_data_there_and_none_in_the_cluster_database()
    {
        var tenant = await fixture.CreateTenantAsync(RoutedCluster.Prefix + Guid.NewGuid().ToString("N")[..8]);
        var home = await fixture.CreateTenantAsync();
        var tenantGrain = fixture.Grains.GetGrain<ITenantGrain>(TenantKey.Of(tenant));
        Assert.Empty(await tenantGrain.PutSettingsAsync(new TenantSettings("provided", fixture.Webhooks.Url, "secret")));
        var rules = fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant));
        Assert.Equal(RuleChangeStatus.Ok, (await rules.CreateAsync(Rule("alert", OutstandingExceeds(5000), Notify("webhook")), active: true)).Status);

        foreach (var (id, amount) in new[] { ("c1", 9000m), ("c2", 100m), ("c3", 7000m) })
        {
            await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, id)).ApplyAsync(Outstanding(amount));
        }

        await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(home, "h1")).ApplyAsync(Outstanding(9000m));

        // A backfill (rule activated for existing customers) reads its candidates where the customers are.
        var workflow = (await rules.CreateAsync(Rule("collect", OutstandingExceeds(5000), Workflow("collections")), active: false)).Rule!;
        await rules.SetActiveAsync(workflow.Id, true);
        var coordinator = fixture.Grains.GetGrain<IBackfillCoordinatorGrain>(BackfillKey.Format(tenant, "b-routed"));
        await coordinator.StartAsync(new BackfillRequest(BackfillKind.Rule, RuleId: workflow.Id));
        BackfillProgress? progress = null;
        for (var tries = 0; (progress = await coordinator.GetProgressAsync())!.Status == BackfillStatus.Running && tries < 600; tries++) await Task.Delay(100);
        Assert.Equal(BackfillStatus.Completed, progress!.Status);
        Assert.Equal(2, progress.Applied);

        // The dispatcher delivers this database's outbox too.
        for (var tries = 0; await fixture.Elsewhere.ScalarAsync<long>("select count(*) from notification_outbox where tenant_id = @t and status = 'sent'", ("t", tenant)) < 2 && tries < 300; tries++)
        {
            await Task.Delay(100);
        }

        const string Everything = """
            select (select count(*) from customers where tenant_id = @t) + (select count(*) from customer_changes where tenant_id = @t)
                 + (select count(*) from notification_outbox where tenant_id = @t)
            """;
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(Everything, ("t", tenant)));
        Assert.Equal(0L, await fixture.Elsewhere.ScalarAsync<long>(Everything, ("t", home)));
        Assert.Equal(3L, await fixture.Elsewhere.ScalarAsync<long>("select count(*) from customers where tenant_id = @t", ("t", tenant)));
        Assert.Equal(2L, await fixture.Elsewhere.ScalarAsync<long>("select count(*) from customers where tenant_id = @t and workflow = 'collections'", ("t", tenant)));
        Assert.Equal(2L, await fixture.Elsewhere.ScalarAsync<long>("select count(*) from notification_outbox where tenant_id = @t and status = 'sent'", ("t", tenant)));
        Assert.Equal(2, fixture.Webhooks.Received.Count(r => r.Body.Contains(tenant, StringComparison.Ordinal)));

        // Lists, counts, the audit trail and the notifications list ask the resolver as well.
        var databases = fixture.OnEverySilo<ICustomerDatabases>().First();
        var (items, _, _) = await new CustomerQueries(databases, new StringPool()).ListAsync(tenant, [], null, 10, CancellationToken.None);
        Assert.Equal(["c1", "c2", "c3"], items.Select(c => c.Customer.Id));
        Assert.Equal(3, (await new CustomerQueries(databases, new StringPool()).CountAsync(tenant, [], 5, CancellationToken.None)).Count);
        Assert.NotEmpty(await new AuditStore(databases).ListAsync(tenant, "c1", 0, 10, CancellationToken.None));
        Assert.Equal(2, (await new OutboxStore(databases).ListAsync(tenant, null, 10, CancellationToken.None)).Count);

        // A customer activated again reads its state from there.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var again = await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "c1")).GetAsync();
        Assert.Equal(9000m, again!.OutstandingAmount);
        Assert.Equal("collections", again.Workflow);
    }
}
