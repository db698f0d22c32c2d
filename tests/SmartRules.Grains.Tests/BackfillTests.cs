using System.Diagnostics;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using SmartRules.Contracts;
using SmartRules.Contracts.Backfills;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Tests.Infrastructure;
using static SmartRules.Grains.Tests.Infrastructure.RuleBuilders;

namespace SmartRules.Grains.Tests;

/// <summary>Backfills on a two-silo cluster over PostgreSQL: exactly once, through a silo kill, cancellable, concurrent with updates.</summary>
public sealed class BackfillTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly RuleDefinitionDto BigB2B = Rule("big B2B", OutstandingExceeds(5000), Workflow("collections"), When("customFields.Segment", "contains", "B2B"));

    [Fact]
    public async Task A_rule_backfill_of_10k_customers_applies_once_to_exactly_the_matching_ones()
    {
        var tenant = await fixture.CreateTenantAsync();
        await CreateCustomersAsync(tenant, 10_000);
        var rule = await ActiveRuleAsync(tenant, BigB2B);

        var progress = await RunAsync(tenant, new BackfillRequest(BackfillKind.Rule, RuleId: rule.Id));

        var expected = Enumerable.Range(0, 10_000).Count(Matches);
        Assert.Equal(BackfillStatus.Completed, progress.Status);
        Assert.Equal(expected, progress.Total);
        Assert.Equal(expected, progress.Applied);
        Assert.Equal((long)expected, await CountAsync(tenant, "select count(*) from customers where tenant_id = @t and workflow = 'collections'"));
        Assert.Equal((long)expected, await CountAsync(tenant, $"select count(*) from customer_audit where tenant_id = @t and rule_id = '{rule.Id}'"));
    }

    [Fact]
    public async Task A_backfill_survives_the_loss_of_the_silo_running_it_and_applies_each_match_once()
    {
        var tenant = await fixture.CreateTenantAsync();
        await CreateCustomersAsync(tenant, 10_000);
        var rule = await ActiveRuleAsync(tenant, BigB2B);
        var victim = fixture.Cluster.GetActiveSilos().Last();
        var id = "b-kill";
        var coordinator = fixture.Grains.GetGrain<IBackfillCoordinatorGrain>(BackfillKey.Format(tenant, id));

        RequestContext.Set(IPlacementDirector.PlacementHintKey, victim.SiloAddress);
        await coordinator.StartAsync(new BackfillRequest(BackfillKind.Rule, RuleId: rule.Id));
        RequestContext.Clear();
        await WaitUntilAsync(async () => (await coordinator.GetProgressAsync())!.Processed > 0, TimeSpan.FromSeconds(30));
        await fixture.Cluster.KillSiloAsync(victim);
        var progress = await WaitForEndAsync(coordinator, TimeSpan.FromSeconds(90));
        await fixture.Cluster.StartAdditionalSiloAsync();

        var expected = Enumerable.Range(0, 10_000).Count(Matches);
        Assert.Equal(BackfillStatus.Completed, progress.Status);
        Assert.Equal((long)expected, await CountAsync(tenant, "select count(*) from customers where tenant_id = @t and workflow = 'collections'"));
        Assert.Equal((long)expected, await CountAsync(tenant, $"select count(*) from customer_audit where tenant_id = @t and rule_id = '{rule.Id}'"));
        Assert.Equal(0L, await CountAsync(tenant, $"select count(*) from (select customer_id from customer_audit where tenant_id = @t and rule_id = '{rule.Id}' group by customer_id having count(*) > 1) twice"));
    }

    [Fact]
    public async Task A_cancelled_backfill_stops_and_says_so()
    {
        var tenant = await fixture.CreateTenantAsync();
        await CreateCustomersAsync(tenant, 4_000);
        var coordinator = fixture.Grains.GetGrain<IBackfillCoordinatorGrain>(BackfillKey.Format(tenant, "b-cancel"));

        await coordinator.StartAsync(new BackfillRequest(BackfillKind.BulkAction, WorkflowId: "vip"));
        Assert.True(await coordinator.CancelAsync());
        var progress = (await coordinator.GetProgressAsync())!;

        Assert.Equal(BackfillStatus.Cancelled, progress.Status);
        Assert.True(progress.Processed < progress.Total, $"processed {progress.Processed} of {progress.Total}");
        Assert.False(await coordinator.CancelAsync());
    }

    [Fact]
    public async Task Deactivating_the_rule_cancels_its_backfill()
    {
        var tenant = await fixture.CreateTenantAsync();
        await CreateCustomersAsync(tenant, 4_000);
        var rule = await ActiveRuleAsync(tenant, Rule("any", CreatedOrUpdated, Workflow("legal")));
        var coordinator = fixture.Grains.GetGrain<IBackfillCoordinatorGrain>(BackfillKey.Format(tenant, "b-deactivate"));

        await coordinator.StartAsync(new BackfillRequest(BackfillKind.Rule, RuleId: rule.Id));
        await fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant)).SetActiveAsync(rule.Id, false);
        var progress = await WaitForEndAsync(coordinator, TimeSpan.FromSeconds(30));

        Assert.Equal(BackfillStatus.Cancelled, progress.Status);
    }

    [Fact]
    public async Task Updates_keep_streaming_during_a_bulk_action_and_neither_loses_the_others_changes()
    {
        var tenant = await fixture.CreateTenantAsync();
        await CreateCustomersAsync(tenant, 2_000);
        var coordinator = fixture.Grains.GetGrain<IBackfillCoordinatorGrain>(BackfillKey.Format(tenant, "b-concurrent"));

        var backfill = coordinator.StartAsync(new BackfillRequest(BackfillKind.BulkAction, WorkflowId: "vip"));
        var updates = Task.WhenAll(Enumerable.Range(0, 2_000).Select(i =>
            fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, $"c{i:00000}")).ApplyAsync(Outstanding(123_456m))));
        await Task.WhenAll(backfill, updates);
        var progress = await WaitForEndAsync(coordinator, TimeSpan.FromSeconds(60));

        Assert.Equal(BackfillStatus.Completed, progress.Status);
        Assert.Equal(2_000L, await CountAsync(tenant, "select count(*) from customers where tenant_id = @t and workflow = 'vip' and outstanding_amount = 123456"));
    }

    [Fact]
    public async Task Bulk_users_are_added_removed_or_left_as_they_are()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.Grains.GetGrain<ITenantGrain>(TenantKey.Of(tenant)).PutUserAsync(new DirectoryUser("cid@acme.test", "Cid"));
        foreach (var id in new[] { "u1", "u2" })
        {
            await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, id)).ApplyAsync(new CustomerUpdateCommand
            {
                AssignedUsers = ["ann@acme.test", "bob@acme.test"],
                CustomFields = new Dictionary<string, string?> { ["Segment"] = id == "u1" ? "B2B" : "B2C" },
            });
        }

        var progress = await RunAsync(tenant, new BackfillRequest(BackfillKind.BulkAction,
            Conditions: [When("customFields.Segment", "contains", "B2B")], AddUsers: ["CID@acme.test"], RemoveUsers: ["bob@acme.test"]));

        Assert.Equal(1, progress.Applied);
        Assert.Equal(["ann@acme.test", "cid@acme.test"], (await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "u1")).GetAsync())!.AssignedUsers);
        Assert.Equal(["ann@acme.test", "bob@acme.test"], (await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "u2")).GetAsync())!.AssignedUsers);
    }

    [Fact]
    public async Task All_active_rules_run_once_per_customer_with_first_rule_wins_then_the_cascade()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "a1")).ApplyAsync(Outstanding(9000m));
        var rules = fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant));
        await rules.CreateAsync(Rule("first", OutstandingExceeds(5000), Workflow("collections")), true);
        await rules.CreateAsync(Rule("second", OutstandingExceeds(1000), Workflow("legal")), true);
        await rules.CreateAsync(Rule("react", CreatedOrUpdated, new ActionDto("assignPaymentMethods") { Methods = ["card"] }, When("workflow", "contains", "collections")), true);

        var progress = await RunAsync(tenant, new BackfillRequest(BackfillKind.AllActiveRules));
        var customer = (await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "a1")).GetAsync())!;

        Assert.Equal(1, progress.Applied);
        Assert.Equal("collections", customer.Workflow);
        Assert.Equal(["card"], customer.PaymentMethods);
    }

    /// <summary>Customers c00000…: amounts 0…9,999 spread so that about a quarter are B2B above 5,000.</summary>
    private async Task CreateCustomersAsync(string tenant, int count)
    {
        using var slots = new SemaphoreSlim(200);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, $"c{i:00000}")).ApplyAsync(new CustomerUpdateCommand
                {
                    OutstandingAmount = Patch.Set(Amount(i)),
                    CustomFields = new Dictionary<string, string?> { ["Segment"] = i % 2 == 0 ? "B2B" : "B2C" },
                });
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    private static decimal Amount(int i) => i * 7919 % 10_000;

    private static bool Matches(int i) => i % 2 == 0 && Amount(i) > 5000;

    private async Task<RuleRecord> ActiveRuleAsync(string tenant, RuleDefinitionDto rule)
    {
        // Created inactive and activated once the customers exist: creating customers would otherwise fire it.
        var rules = fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant));
        var created = (await rules.CreateAsync(rule, active: false)).Rule!;
        return (await rules.SetActiveAsync(created.Id, true)).Rule!;
    }

    private async Task<BackfillProgress> RunAsync(string tenant, BackfillRequest request)
    {
        var coordinator = fixture.Grains.GetGrain<IBackfillCoordinatorGrain>(BackfillKey.Format(tenant, "b-" + Guid.NewGuid().ToString("N")[..8]));
        await coordinator.StartAsync(request);
        return await WaitForEndAsync(coordinator, TimeSpan.FromSeconds(60));
    }

    private static async Task<BackfillProgress> WaitForEndAsync(IBackfillCoordinatorGrain coordinator, TimeSpan limit)
    {
        BackfillProgress? last = null;
        await WaitUntilAsync(async () => (last = await coordinator.GetProgressAsync())!.Status != BackfillStatus.Running, limit);
        return last!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception) when (clock.Elapsed < limit)
            {
                // A grain on a silo that was just killed: ask again.
            }

            if (clock.Elapsed > limit) Assert.Fail($"not done after {limit.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    private Task<long> CountAsync(string tenant, string sql) => fixture.Database.ScalarAsync<long>(sql, ("t", tenant));
}
