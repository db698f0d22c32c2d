using Npgsql;
using SmartRules.Contracts.Customers;
using SmartRules.Grains.Tests.Infrastructure;
using SmartRules.Persistence.Schema;
using static SmartRules.Grains.Tests.Infrastructure.RuleBuilders;

namespace SmartRules.Grains.Tests;

/// <summary>The project's own schema: migrations, the Orleans ADO.NET queries, and silos that use them for real.</summary>
public sealed class SchemaAndClusteringTests
{
    [Fact]
    public async Task Applying_the_migrations_twice_is_a_no_op()
    {
        await using var database = await TestDatabase.CreateAsync();

        await database.MigrateAsync();
        await Task.WhenAll(database.MigrateAsync(), database.MigrateAsync());

        Assert.Equal((long)SchemaMigrator.Migrations.Count, await database.ScalarAsync<long>("select count(*) from smartrules_schema_migrations"));
        Assert.Equal(20L, await database.ScalarAsync<long>("select count(*) from orleansquery"));
    }

    [Fact]
    public async Task Audit_changes_written_before_migration_6_read_the_same_after_it()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);
        await database.ExecuteAsync("create table smartrules_schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())");
        foreach (var (version, name, _, sql) in SchemaMigrator.Migrations.Where(m => m.Version < 6))
        {
            await database.ExecuteAsync(sql);
            await database.ExecuteAsync($"insert into smartrules_schema_migrations (version, name) values ({version}, '{name}')");
        }

        await database.ExecuteAsync("""
            insert into customer_changes (tenant_id, customer_id, at, entries) values ('t1', 'c1', now(),
                '[{"kind":"update","ruleId":null,"ruleVersion":null,"trigger":"external","before":{"name":"Zoë"},"after":{"name":"Zoé ✓"},"note":null},
                  {"kind":"workflow","ruleId":"r1","ruleVersion":2,"trigger":"rating","before":{"workflow":null},"after":{"workflow":"w1"},"note":"n"}]')
            """);

        await database.MigrateAsync();

        Assert.Equal("bytea", await database.ScalarAsync<string>("select data_type from information_schema.columns where table_name = 'customer_changes' and column_name = 'entries'"));
        Assert.Equal(2L, await database.ScalarAsync<long>("select count(*) from customer_audit where customer_id = 'c1'"));
        Assert.Equal("Zoé ✓", await database.ScalarAsync<string>("select after ->> 'name' from customer_audit where kind = 'update'"));
        Assert.Equal("Zoë", await database.ScalarAsync<string>("select before ->> 'name' from customer_audit where kind = 'update'"));
        Assert.Equal(2, await database.ScalarAsync<int>("select rule_version from customer_audit where kind = 'workflow'"));
    }

    [Fact]
    public async Task Two_silos_starting_together_on_an_empty_database_both_join_and_share_state()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);
        var clusterId = "c" + Guid.NewGuid().ToString("N")[..8];
        var first = RealSilo.Create(database.ConnectionString, clusterId);
        var second = RealSilo.Create(database.ConnectionString, clusterId);
        try
        {
            await Task.WhenAll(first.Host.StartAsync(), second.Host.StartAsync());

            Assert.Equal(2L, await database.ScalarAsync<long>("select count(*) from orleansmembershiptable where status = 3"));
            var hosts = await first.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(2, hosts.Count);

            await first.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format("t1", "shared")).ApplyAsync(Outstanding(42m));
            var seen = await second.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format("t1", "shared")).GetAsync();
            Assert.Equal(42m, seen!.OutstandingAmount);
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }

    [Fact]
    public async Task Customer_state_survives_a_restart_of_the_whole_cluster()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);
        var clusterId = "c" + Guid.NewGuid().ToString("N")[..8];
        await using (var before = RealSilo.Create(database.ConnectionString, clusterId))
        {
            await before.Host.StartAsync();
            foreach (var i in Enumerable.Range(0, 20))
            {
                await before.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format("t1", $"c{i}")).ApplyAsync(Outstanding(i, sequence: 7));
            }
        }

        await using var after = RealSilo.Create(database.ConnectionString, clusterId);
        await after.Host.StartAsync();
        foreach (var i in Enumerable.Range(0, 20))
        {
            var grain = after.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format("t1", $"c{i}"));
            Assert.Equal(i, (await grain.GetAsync())!.OutstandingAmount);
            Assert.Equal(CustomerUpdateStatus.Stale, (await grain.ApplyAsync(Outstanding(1000m, sequence: 7))).Status);
        }
    }

    [Fact]
    public async Task Concurrent_first_writes_of_one_grain_state_leave_one_row()
    {
        await using var database = await TestDatabase.CreateAsync();
        var write = await database.ScalarAsync<string>("select querytext from orleansquery where querykey = 'WriteToStorageKey'");

        async Task<int?> FirstWrite(byte payload)
        {
            await using var command = database.DataSource.CreateCommand(write!);
            command.Parameters.AddWithValue("GrainIdHash", 1);
            command.Parameters.AddWithValue("GrainIdN0", 0L);
            command.Parameters.AddWithValue("GrainIdN1", 0L);
            command.Parameters.AddWithValue("GrainTypeHash", 2);
            command.Parameters.AddWithValue("GrainTypeString", "rules");
            command.Parameters.Add(new NpgsqlParameter<string?>("GrainIdExtensionString", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = "tenant/acme" });
            command.Parameters.AddWithValue("ServiceId", "svc");
            command.Parameters.Add(new NpgsqlParameter<int?>("GrainStateVersion", NpgsqlTypes.NpgsqlDbType.Integer) { TypedValue = null });
            command.Parameters.AddWithValue("PayloadBinary", new[] { payload });
            return await command.ExecuteScalarAsync() as int?;
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => FirstWrite((byte)i)));

        Assert.Equal(1, results.Count(r => r == 1));
        Assert.Equal(1L, await database.ScalarAsync<long>("select count(*) from orleansstorage"));
    }
}
