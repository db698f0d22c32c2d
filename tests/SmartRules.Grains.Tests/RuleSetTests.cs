using Orleans.Runtime;
using Orleans.Runtime.Placement;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Tenants;
using SmartRules.Grains.Tests.Infrastructure;
using static SmartRules.Grains.Tests.Infrastructure.RuleBuilders;

namespace SmartRules.Grains.Tests;

/// <summary>
/// Rule changes reach every silo before they are acknowledged: an update that starts after the acknowledgement,
/// on whichever silo its customer lives, evaluates the new rules.
/// </summary>
public sealed class RuleSetTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_rule_change_is_in_every_silos_cache_when_it_is_acknowledged()
    {
        var tenant = await fixture.CreateTenantAsync();
        var rules = fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant));
        var caches = fixture.OnEverySilo<TenantRuntimeCache>().ToArray();
        Assert.Equal(2, caches.Length);
        Assert.NotSame(caches[0], caches[1]);

        var created = await rules.CreateAsync(Rule("big", OutstandingExceeds(5000), Workflow("collections")), active: true);
        foreach (var cache in caches)
        {
            var runtime = await cache.GetAsync(tenant);
            Assert.Equal(created.Rule!.Id, Assert.Single(runtime.Rules.Rules).Id);
        }

        var edited = await rules.EditAsync(created.Rule!.Id, Rule("big", OutstandingExceeds(5000), Workflow("legal")));
        Assert.Equal(2, edited.Rule!.Version);
        foreach (var cache in caches)
        {
            Assert.Equal(2, Assert.Single((await cache.GetAsync(tenant)).Rules.Rules).Version);
        }
    }

    [Fact]
    public async Task Updates_on_both_silos_see_a_rule_as_soon_as_its_change_is_acknowledged()
    {
        var tenant = await fixture.CreateTenantAsync();
        var rules = fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant));
        var customers = Enumerable.Range(0, 40).Select(i => fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, $"c{i}"))).ToArray();
        // Activate every customer before any rule exists, half on each silo (a placement hint), which also fills
        // both silos' caches with the empty rule set.
        var silos = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).ToArray();
        for (var i = 0; i < customers.Length; i++)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silos[i % silos.Length]);
            Assert.Null((await customers[i].ApplyAsync(Outstanding(100m))).Customer!.Workflow);
            RequestContext.Clear();
        }

        var rule = (await rules.CreateAsync(Rule("big", OutstandingExceeds(5000), Workflow("collections")), active: true)).Rule!;
        var fired = await Task.WhenAll(customers.Select(c => c.ApplyAsync(Outstanding(6000m))));
        Assert.All(fired, r => Assert.Equal("collections", r.Customer!.Workflow));

        await rules.EditAsync(rule.Id, Rule("big", OutstandingExceeds(5000), Workflow("legal")));
        var refired = await Task.WhenAll(customers.Select(async c =>
        {
            await c.ApplyAsync(Outstanding(100m));
            return await c.ApplyAsync(Outstanding(6000m));
        }));
        Assert.All(refired, r => Assert.Equal(new FiredRule(rule.Id, 2, "assignWorkflow"), Assert.Single(r.FiredRules)));

        await rules.SetActiveAsync(rule.Id, false);
        var quiet = await Task.WhenAll(customers.Select(async c =>
        {
            await c.ApplyAsync(Outstanding(100m));
            return await c.ApplyAsync(Outstanding(6000m));
        }));
        Assert.All(quiet, r => Assert.Empty(r.FiredRules));

        // The customers really were spread over both silos.
        var statistics = await fixture.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var silosWithCustomers = statistics.Where(s => s.GrainType.Contains("CustomerGrain", StringComparison.Ordinal) && s.ActivationCount > 0)
            .Select(s => s.SiloAddress).Distinct().Count();
        Assert.Equal(2, silosWithCustomers);
    }

    [Fact]
    public async Task First_rule_wins_and_reordering_changes_the_winner()
    {
        var tenant = await fixture.CreateTenantAsync();
        var rules = fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant));
        var first = (await rules.CreateAsync(Rule("first", OutstandingExceeds(5000), Workflow("collections")), true)).Rule!;
        var second = (await rules.CreateAsync(Rule("second", OutstandingExceeds(1000), Workflow("legal")), true)).Rule!;

        var before = await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "a")).ApplyAsync(Outstanding(7000m));
        Assert.Empty(await rules.ReorderAsync([second.Id, first.Id]));
        var after = await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "b")).ApplyAsync(Outstanding(7000m));

        Assert.Equal("collections", before.Customer!.Workflow);
        Assert.Equal("legal", after.Customer!.Workflow);
        Assert.NotEmpty(await rules.ReorderAsync([first.Id]));
        Assert.NotEmpty(await rules.ReorderAsync([first.Id, first.Id]));
    }

    [Fact]
    public async Task Invalid_rules_are_refused_with_every_problem_and_nothing_is_stored()
    {
        var tenant = await fixture.CreateTenantAsync();
        var rules = fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant));

        var result = await rules.CreateAsync(
            new RuleDefinitionDto("", new TriggerDto("nope"), [], new ActionDto("sendNotification")
            {
                Recipient = new RecipientDto(User: "ann@acme.test"),
                Channel = "email",
                Body = "{{ customer.name ",
            }),
            active: true);

        Assert.Equal(RuleChangeStatus.Invalid, result.Status);
        Assert.Equal(["name", "trigger.type", "action.body"], result.Problems.Select(p => p.Path));
        Assert.Empty((await rules.GetSnapshotAsync()).Rules);
    }

    [Fact]
    public async Task Rule_sets_survive_deactivation_and_deleted_rules_are_gone()
    {
        var tenant = await fixture.CreateTenantAsync();
        var rules = fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant));
        var kept = (await rules.CreateAsync(Rule("kept", Created, Workflow("vip")), false)).Rule!;
        var dropped = (await rules.CreateAsync(Rule("dropped", Created, Workflow("legal")), true)).Rule!;
        Assert.True(await rules.DeleteAsync(dropped.Id));

        await fixture.Cluster.DeactivateAsync(rules);
        var snapshot = await rules.GetSnapshotAsync();

        Assert.Equal([kept], snapshot.Rules);
        Assert.Null(await rules.GetAsync(dropped.Id));
        Assert.False(await rules.DeleteAsync(dropped.Id));
        Assert.Equal(3, snapshot.Version);
    }
}
