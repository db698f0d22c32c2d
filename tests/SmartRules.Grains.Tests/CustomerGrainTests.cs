using System.Text.Json.Nodes;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Customers;
using SmartRules.Grains.Tests.Infrastructure;
using static SmartRules.Grains.Tests.Infrastructure.RuleBuilders;

namespace SmartRules.Grains.Tests;

/// <summary>Customer grains on a two-silo cluster, persisted through the group-commit store on PostgreSQL.</summary>
public sealed class CustomerGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private ICustomerGrain Customer(string tenant, string id) => fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, id));

    [Fact]
    public async Task An_update_is_acknowledged_with_the_customer_after_its_rules_and_is_in_the_table()
    {
        var tenant = await fixture.CreateTenantAsync();
        var rule = await fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant)).CreateAsync(Rule("big", OutstandingExceeds(5000), Workflow("collections")), active: true);
        Assert.Equal(RuleChangeStatus.Ok, rule.Status);

        var created = await Customer(tenant, "c1").ApplyAsync(Outstanding(7000m, name: "Acme"));

        Assert.Equal(CustomerUpdateStatus.Created, created.Status);
        Assert.Equal("collections", created.Customer!.Workflow);
        Assert.Equal([new FiredRule(rule.Rule!.Id, 1, "assignWorkflow")], created.FiredRules);
        Assert.Equal(1, created.Customer.Version);
        Assert.Equal("collections", await fixture.Database.ScalarAsync<string>(
            "select workflow from customers where tenant_id = @t and customer_id = 'c1'", ("t", tenant)));
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>(
            "select count(*) from customer_audit where tenant_id = @t and customer_id = 'c1'", ("t", tenant)));
    }

    [Fact]
    public async Task State_survives_deactivation()
    {
        var tenant = await fixture.CreateTenantAsync();
        var grain = Customer(tenant, "persisted");
        await grain.ApplyAsync(new CustomerUpdateCommand
        {
            Name = Patch.Set<string?>("Acme"),
            OutstandingAmount = Patch.Set(1234.50m),
            Rating = Patch.Set<string?>("B"),
            AveragePaymentDelayDays = Patch.Set<decimal?>(12.5m),
            CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2B", ["CSM email"] = "ann@acme.test" },
            AssignedUsers = ["BOB@acme.test"],
            Workflow = Patch.Set<string?>("legal"),
            PaymentMethods = ["card", "directDebit"],
            Sequence = 3,
        });
        await grain.ApplyAsync(Outstanding(99m, sequence: 4));
        var before = await grain.GetAsync();
        var auditBefore = await grain.GetRecentAuditAsync();

        await fixture.Cluster.DeactivateAsync(grain);
        var after = await grain.GetAsync();
        var auditAfter = await grain.GetRecentAuditAsync();

        Assert.Equivalent(before, after, strict: true);
        Assert.Equal(2, auditAfter.Count);
        Assert.Equal(auditBefore.Select(a => (a.At, a.Kind, a.RuleId, a.Note)), auditAfter.Select(a => (a.At, a.Kind, a.RuleId, a.Note)));
        Assert.All(auditBefore.Zip(auditAfter), pair =>
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(pair.First.BeforeJson), JsonNode.Parse(pair.Second.BeforeJson)));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(pair.First.AfterJson), JsonNode.Parse(pair.Second.AfterJson)));
        });
        Assert.Equal(["bob@acme.test"], after!.AssignedUsers);
        Assert.Equal(CustomerUpdateStatus.Stale, (await grain.ApplyAsync(Outstanding(1m, sequence: 4))).Status);
    }

    [Fact]
    public async Task A_write_that_fails_is_not_acknowledged_and_the_customer_then_answers_as_stored()
    {
        var tenant = await fixture.CreateTenantAsync();
        var grain = Customer(tenant, "conflict");
        await grain.ApplyAsync(Outstanding(100m, sequence: 1));
        // Another writer moves the row on: the grain's next write expects version 1 and must fail.
        await fixture.Database.ScalarAsync<int>(
            "with moved as (update customers set version = version + 1, outstanding_amount = 555 where tenant_id = @t and customer_id = 'conflict' returning 1) select count(*)::int from moved",
            ("t", tenant));

        await Assert.ThrowsAnyAsync<Exception>(() => grain.ApplyAsync(Outstanding(900m, sequence: 2)));

        var after = await grain.GetAsync();
        Assert.Equal(555m, after!.OutstandingAmount);
        Assert.Equal(2, after.Version);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "select count(*) from customer_audit where tenant_id = @t and customer_id = 'conflict'", ("t", tenant)));
        // The failed change was not applied, so its sequence is not stale.
        var retried = await grain.ApplyAsync(Outstanding(900m, sequence: 2));
        Assert.Equal(CustomerUpdateStatus.Updated, retried.Status);
        Assert.Equal(3, retried.Customer!.Version);
    }

    [Fact]
    public async Task Stale_sequences_are_acknowledged_and_change_nothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        var grain = Customer(tenant, "seq");
        await grain.ApplyAsync(Outstanding(100m, sequence: 10));

        var stale = await grain.ApplyAsync(Outstanding(999m, sequence: 9));
        var same = await grain.ApplyAsync(Outstanding(999m, sequence: 10));
        var newer = await grain.ApplyAsync(Outstanding(200m, sequence: 11));

        Assert.Equal(CustomerUpdateStatus.Stale, stale.Status);
        Assert.Equal(100m, stale.Customer!.OutstandingAmount);
        Assert.Equal(CustomerUpdateStatus.Stale, same.Status);
        Assert.Equal(CustomerUpdateStatus.Updated, newer.Status);
        Assert.Equal(200m, newer.Customer!.OutstandingAmount);
    }

    [Fact]
    public async Task A_no_op_update_records_its_sequence_without_an_audit_entry()
    {
        var tenant = await fixture.CreateTenantAsync();
        var grain = Customer(tenant, "noop");
        await grain.ApplyAsync(Outstanding(100m, sequence: 1));

        var unchanged = await grain.ApplyAsync(Outstanding(100.00m, sequence: 2));
        await fixture.Cluster.DeactivateAsync(grain);

        Assert.Equal(CustomerUpdateStatus.Unchanged, unchanged.Status);
        Assert.Equal(CustomerUpdateStatus.Stale, (await grain.ApplyAsync(Outstanding(5m, sequence: 2))).Status);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "select count(*) from customer_audit where tenant_id = @t and customer_id = 'noop'", ("t", tenant)));
    }

    /// <summary>Makes every silo's odds favour writing a tenant's creations without a read, as an import does.</summary>
    private void FavourCreations(string tenant)
    {
        foreach (var odds in fixture.OnEverySilo<NewCustomerOdds>())
        {
            for (var i = 0; i < 5; i++) odds.Observe(tenant, FirstLoad.ReadNew);
            Assert.True(odds.FavourCreation(tenant));
        }
    }

    private long FirstLoads(string tenant, FirstLoad how) => fixture.OnEverySilo<NewCustomerOdds>().Sum(odds => odds.Count(tenant, how));

    [Fact]
    public async Task A_creation_written_without_a_read_that_finds_the_customer_stored_applies_the_update_to_what_is_stored()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant)).CreateAsync(Rule("big", OutstandingExceeds(5000), Workflow("collections")), active: true);
        var grain = Customer(tenant, "known");
        Assert.Equal(CustomerUpdateStatus.Created, (await grain.ApplyAsync(Outstanding(100m, sequence: 1, name: "Acme"))).Status);
        await fixture.Cluster.DeactivateAsync(grain);
        FavourCreations(tenant);
        var foundBefore = FirstLoads(tenant, FirstLoad.CreationFoundRow);

        // As a new customer this update would be a creation that fires the rule; as the stored one it is an update.
        var updated = await grain.ApplyAsync(Outstanding(7000m, sequence: 2));

        Assert.Equal(foundBefore + 1, FirstLoads(tenant, FirstLoad.CreationFoundRow));
        Assert.Equal(CustomerUpdateStatus.Updated, updated.Status);
        Assert.Equal(2, updated.Customer!.Version);
        Assert.Equal("Acme", updated.Customer.Name);
        Assert.Equal(7000m, updated.Customer.OutstandingAmount);
        Assert.Equal("collections", updated.Customer.Workflow);
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>(
            "select version from customers where tenant_id = @t and customer_id = 'known'", ("t", tenant)));
        // The creation's entry and the update's with its rule's; the attempted creation left nothing (its note would say so).
        Assert.Equal("update:customer created,update:,ruleFired:", await fixture.Database.ScalarAsync<string>(
            "select string_agg(kind || ':' || coalesce(note, ''), ',' order by entry_id) from customer_audit where tenant_id = @t and customer_id = 'known' and kind <> 'ruleSkipped'", ("t", tenant)));

        // A stale update is told so, not created again.
        await fixture.Cluster.DeactivateAsync(grain);
        FavourCreations(tenant);
        var stale = await grain.ApplyAsync(Outstanding(1m, sequence: 2, name: "Other"));
        Assert.Equal(CustomerUpdateStatus.Stale, stale.Status);
        Assert.Equal("Acme", stale.Customer!.Name);
        Assert.Equal(foundBefore + 2, FirstLoads(tenant, FirstLoad.CreationFoundRow));
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>(
            "select version from customers where tenant_id = @t and customer_id = 'known'", ("t", tenant)));
    }

    [Fact]
    public async Task New_customers_are_created_without_a_read_once_they_prevail_and_read_first_once_stored_ones_do()
    {
        var tenant = await fixture.CreateTenantAsync();
        for (var i = 0; i < 20; i++)
        {
            var created = await Customer(tenant, $"n{i}").ApplyAsync(Outstanding(10m * i, name: $"New {i}"));
            Assert.Equal(CustomerUpdateStatus.Created, created.Status);
            Assert.Equal(1, created.Customer!.Version);
        }

        // The first activations read and find nothing; once that prevails on a silo, its creations skip the read.
        var silos = fixture.OnEverySilo<NewCustomerOdds>().Count();
        Assert.Equal(20, FirstLoads(tenant, FirstLoad.ReadNew) + FirstLoads(tenant, FirstLoad.CreatedWithoutRead));
        Assert.True(FirstLoads(tenant, FirstLoad.ReadNew) <= silos, "each silo reads once before its odds turn");
        Assert.Equal(20L, await fixture.Database.ScalarAsync<long>("select count(*) from customers where tenant_id = @t and version = 1", ("t", tenant)));

        // Updates to those customers on silos where their grains are no longer active: each guess finds a row and is
        // applied as an update; they turn the odds back, after which the grains read first.
        var rounds = 0;
        async Task UpdateEveryCustomerAsync()
        {
            rounds++;
            foreach (var i in Enumerable.Range(0, 20)) await fixture.Cluster.DeactivateAsync(Customer(tenant, $"n{i}"));
            for (var i = 0; i < 20; i++)
            {
                var updated = await Customer(tenant, $"n{i}").ApplyAsync(Outstanding(5000m + 100 * rounds + i));
                Assert.Equal(CustomerUpdateStatus.Updated, updated.Status);
                Assert.Equal($"New {i}", updated.Customer!.Name);
                Assert.Equal(1 + rounds, updated.Customer.Version);
            }
        }

        while (rounds < 10 && fixture.OnEverySilo<NewCustomerOdds>().Any(odds => odds.FavourCreation(tenant))) await UpdateEveryCustomerAsync();
        Assert.True(FirstLoads(tenant, FirstLoad.CreationFoundRow) > 0);
        var readBefore = FirstLoads(tenant, FirstLoad.ReadStored);
        await UpdateEveryCustomerAsync();

        Assert.Equal(readBefore + 20, FirstLoads(tenant, FirstLoad.ReadStored));
        Assert.Equal(20 * rounds, FirstLoads(tenant, FirstLoad.ReadStored) + FirstLoads(tenant, FirstLoad.CreationFoundRow));
        Assert.Equal(20L, await fixture.Database.ScalarAsync<long>("select count(*) from customers where tenant_id = @t and version = @v", ("t", tenant), ("v", (long)(1 + rounds))));
        Assert.Equal(20L * (1 + rounds), await fixture.Database.ScalarAsync<long>("select count(*) from customer_audit where tenant_id = @t and kind = 'update'", ("t", tenant)));
    }

    [Fact]
    public async Task Exclusion_is_irreversible_even_after_deactivation()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant)).CreateAsync(
            Rule("closed", Created, new ActionDto("exclude"), When("customFields.Status", "contains", "closed")), active: true);
        var grain = Customer(tenant, "gone");

        var excluded = await grain.ApplyAsync(new CustomerUpdateCommand { CustomFields = new Dictionary<string, string?> { ["Status"] = "closed" } });
        await fixture.Cluster.DeactivateAsync(grain);
        var refused = await grain.ApplyAsync(Outstanding(10m));

        Assert.True(excluded.Customer!.Excluded);
        Assert.Equal(CustomerUpdateStatus.Excluded, refused.Status);
        Assert.Equal(0m, refused.Customer!.OutstandingAmount);
        Assert.True(await fixture.Database.ScalarAsync<bool>("select excluded from customers where tenant_id = @t and customer_id = 'gone'", ("t", tenant)));
    }

    [Fact]
    public async Task Invalid_updates_are_refused_with_field_paths_and_change_nothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        var grain = Customer(tenant, "bad");

        var result = await grain.ApplyAsync(new CustomerUpdateCommand
        {
            Rating = Patch.Set<string?>("E"),
            Workflow = Patch.Set<string?>("nope"),
            AssignedUsers = ["zed@acme.test"],
            PaymentMethods = ["cash"],
        });

        Assert.Equal(CustomerUpdateStatus.Invalid, result.Status);
        Assert.Equal(["rating", "paymentMethods[0]", "workflow", "assignedUsers[0]"], result.Problems.Select(p => p.Path));
        Assert.Null(await grain.GetAsync());
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("select count(*) from customers where tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public async Task Many_concurrent_updates_are_all_durable_and_applied_once()
    {
        var tenant = await fixture.CreateTenantAsync();
        const int customers = 200;
        const int updatesEach = 10;
        var work = Enumerable.Range(0, customers).Select(async c =>
        {
            var grain = Customer(tenant, $"load-{c}");
            for (var u = 1; u <= updatesEach; u++) await grain.ApplyAsync(Outstanding(u * 100m, sequence: u));
        });
        await Task.WhenAll(work);

        Assert.Equal((long)customers, await fixture.Database.ScalarAsync<long>(
            "select count(*) from customers where tenant_id = @t and version = 10 and outstanding_amount = 1000 and last_sequence = 10", ("t", tenant)));
        Assert.Equal((long)customers * updatesEach, await fixture.Database.ScalarAsync<long>(
            "select count(*) from customer_audit where tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public async Task Tenants_never_share_customers()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        await Customer(a, "same-id").ApplyAsync(Outstanding(1m));

        Assert.Null(await Customer(b, "same-id").GetAsync());
        Assert.Equal(1m, (await Customer(a, "same-id").GetAsync())!.OutstandingAmount);
    }
}
