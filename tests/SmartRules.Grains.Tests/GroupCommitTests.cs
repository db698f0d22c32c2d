using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using SmartRules.Grains.Customers;
using SmartRules.Contracts.Customers;
using SmartRules.Domain.Customers;
using SmartRules.Grains.Tests.Infrastructure;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Tests;

/// <summary>The group-commit customer store on its own, against PostgreSQL.</summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private CustomerDatabase _customers = null!;
    private CustomerWriteBatcher _batcher = null!;
    private CustomerReadBatcher _reader = null!;
    private CustomerGrainStorage _storage = null!;
    private readonly List<int> _batchSizes = [];

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _customers = new CustomerDatabase(CustomerDatabase.ClusterDatabaseName, _database.DataSource, new StringPool(), Options.Create(new CustomerStoreOptions { ConcurrentBatches = 1 }), NullLoggerFactory.Instance);
        _batcher = _customers.Writes;
        _batcher.BatchCompleted += (size, _) => { lock (_batchSizes) _batchSizes.Add(size); };
        _reader = _customers.Reads;
        _storage = new CustomerGrainStorage(new SingleCustomerDatabase(_customers), TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _customers.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_writes_share_round_trips_and_each_is_acknowledged_after_its_commit()
    {
        var states = Enumerable.Range(0, 500).Select(i => NewState($"c{i}", i)).ToArray();

        await Task.WhenAll(states.Select(s => _storage.WriteStateAsync("customer", s.Id, s.State)));

        Assert.All(states, s => Assert.Equal("1", s.State.ETag));
        Assert.Equal(500L, await _database.ScalarAsync<long>("select count(*) from customers"));
        Assert.Equal(500L, await _database.ScalarAsync<long>("select count(*) from customer_audit"));
        lock (_batchSizes)
        {
            Assert.Equal(500, _batchSizes.Sum());
            Assert.True(_batchSizes.Count < 250, $"500 writes took {_batchSizes.Count} round trips");
        }
    }

    [Fact]
    public async Task A_version_conflict_fails_only_that_write()
    {
        var first = NewState("x", 1);
        await _storage.WriteStateAsync("customer", first.Id, first.State);
        var stale = NewState("x", 2); // claims the row does not exist yet
        var fine = NewState("y", 3);

        var staleWrite = _storage.WriteStateAsync("customer", stale.Id, stale.State);
        var fineWrite = _storage.WriteStateAsync("customer", fine.Id, fine.State);

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        await fineWrite;
        Assert.Equal(1m, await _database.ScalarAsync<decimal>("select outstanding_amount from customers where customer_id = 'x'"));
        Assert.Equal(1L, await _database.ScalarAsync<long>("select count(*) from customer_audit where customer_id = 'x'"));
    }

    [Fact]
    public async Task A_write_claiming_a_negative_version_is_refused_and_writes_nothing()
    {
        // The batch statement tells a creation (new version 1) from an update (above 1); a version below 0 is no version.
        var (id, state) = NewState("neg", 1);
        state.ETag = "-1";

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _storage.WriteStateAsync("customer", id, state));
        Assert.Equal(0L, await _database.ScalarAsync<long>("select count(*) from customers"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("select count(*) from customer_changes"));
    }

    [Fact]
    public async Task Each_write_of_a_batch_stores_its_own_change_and_notifications_and_a_refused_one_stores_none()
    {
        // Updates and creations of many customers and one stale write, released together so that they share batches:
        // every change row and outbox row must land on its own customer, and the refused write's on none.
        var existing = Enumerable.Range(0, 40).Select(i => NewState($"u{i}", i)).ToArray();
        foreach (var (id, state) in existing) await _storage.WriteStateAsync("customer", id, state);
        var stale = NewState("u0-again", 0);
        await _storage.WriteStateAsync("customer", stale.Id, stale.State);
        stale.State.ETag = null; // claims the row does not exist yet

        var creations = Enumerable.Range(0, 40).Select(i => NewState($"n{i}", i)).ToArray();
        var all = existing.Concat(creations).Append(stale).ToArray();
        foreach (var (id, grainState) in all)
        {
            var customerId = grainState.State!.Customer!.Id;
            grainState.State.Customer = grainState.State.Customer with { DueAmount = 7 };
            grainState.State.PendingAudit = new AuditChange(DateTimeOffset.UtcNow, System.Text.Encoding.UTF8.GetBytes($$"""[{"kind":"update","note":"{{customerId}}"}]"""));
            grainState.State.PendingOutbox = [.. Enumerable.Range(0, customerId[^1] % 3).Select(k => new Persistence.Notifications.OutboxMessage(
                Guid.NewGuid(), "t1", customerId, "rule", 1, k == 0 ? "inApp" : "email", "ann@acme.test", null, $"for {customerId}", DateTimeOffset.UtcNow))];
        }

        var writes = WriteTogether(all);
        await Assert.ThrowsAsync<InconsistentStateException>(() => writes[^1]);
        await Task.WhenAll(writes[..^1]);
        lock (_batchSizes) Assert.True(_batchSizes.Max() > 1, "the writes were meant to share batches");

        Assert.Equal(0L, await _database.ScalarAsync<long>("""
            select count(*) from customer_changes
            where convert_from(entries, 'UTF8') like '%"note"%'
              and position('"note":"' || customer_id || '"' in convert_from(entries, 'UTF8')) = 0
            """));
        Assert.Equal(80L, await _database.ScalarAsync<long>("select count(*) from customer_changes where convert_from(entries, 'UTF8') like '%note%'"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("select count(*) from customer_changes where customer_id = 'u0-again' and convert_from(entries, 'UTF8') like '%note%'"));
        var expectedOutbox = all[..^1].Sum(s => s.State.State!.Customer!.Id[^1] % 3);
        Assert.True(expectedOutbox > 40);
        Assert.Equal((long)expectedOutbox, await _database.ScalarAsync<long>("select count(*) from notification_outbox where body = 'for ' || customer_id and tenant_id = 't1'"));
        Assert.Equal((long)expectedOutbox, await _database.ScalarAsync<long>("select count(*) from notification_outbox"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("select count(*) from notification_outbox where channel = 'inApp' and (status <> 'sent' or sent_at is null)"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("select count(*) from notification_outbox where channel = 'email' and status <> 'pending'"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("select count(*) from notification_outbox where customer_id = 'u0-again'"));
        Assert.Equal(80L, await _database.ScalarAsync<long>("select count(*) from customers where due_amount = 7"));
    }

    [Fact]
    public async Task A_write_that_keeps_the_stored_lists_and_fields_leaves_them_and_one_that_changes_them_writes_them()
    {
        var (id, grainState) = NewState("k", 1);
        var state = grainState.State!;
        state.Customer = state.Customer! with
        {
            CustomFields = CustomFields.From([new("region", "north"), new("tier", "gold")]),
            AssignedUsers = UserSet.From(["ann@acme.test"]),
            PaymentMethods = PaymentMethods.Card,
        };
        await _storage.WriteStateAsync("customer", id, grainState);

        // An update of the amounts only: the stored row's jsonb columns are kept as they are.
        state.Customer = state.Customer! with { OutstandingAmount = 2 };
        await _storage.WriteStateAsync("customer", id, grainState);
        Assert.Equal("""{"tier": "gold", "region": "north"}""", await ColumnAsync("custom_fields"));
        Assert.Equal("""["ann@acme.test"]""", await ColumnAsync("assigned_users"));
        Assert.Equal("""["card"]""", await ColumnAsync("payment_methods"));
        Assert.Equal(2m, await _database.ScalarAsync<decimal>("select outstanding_amount from customers where customer_id = 'k'"));

        // Then each of them changes: each is written.
        var before = state.Customer;
        state.Customer = before with
        {
            CustomFields = before.CustomFields.With([new("tier", "silver")]),
            AssignedUsers = before.AssignedUsers.Union(["bob@acme.test"]),
            PaymentMethods = PaymentMethods.Card | PaymentMethods.BankTransfer,
        };
        await _storage.WriteStateAsync("customer", id, grainState);
        Assert.Equal("""{"tier": "silver", "region": "north"}""", await ColumnAsync("custom_fields"));
        Assert.Equal("""["ann@acme.test", "bob@acme.test"]""", await ColumnAsync("assigned_users"));
        Assert.Contains("bankTransfer", await ColumnAsync("payment_methods"), StringComparison.OrdinalIgnoreCase);

        // And a grain that read its row back writes against what it read.
        var reread = new GrainState<CustomerState>(new CustomerState());
        await _storage.ReadStateAsync("customer", id, reread);
        reread.State!.Customer = reread.State.Customer! with { CustomFields = CustomFields.Empty, OutstandingAmount = 3 };
        await _storage.WriteStateAsync("customer", id, reread);
        Assert.Equal("{}", await ColumnAsync("custom_fields"));
        Assert.Equal("""["ann@acme.test", "bob@acme.test"]""", await ColumnAsync("assigned_users"));
        Assert.Equal(4L, await _database.ScalarAsync<long>("select version from customers where customer_id = 'k'"));
    }

    private async Task<string?> ColumnAsync(string column) =>
        await _database.ScalarAsync<string>($"select {column}::text from customers where customer_id = 'k'");

    [Fact]
    public async Task A_database_error_fails_every_write_of_the_batch_and_acknowledges_none()
    {
        // A trigger makes the database refuse one row with a plain error; the whole statement, and so the whole batch, fails.
        var (states, outcomes) = await WriteFiftyWithAPoisonAsync(errorCode: "P0001");

        var failed = outcomes.Count(e => e is PostgresException { MessageText: "poisoned row" });
        Assert.True(failed >= 1);
        var committed = await _database.ScalarAsync<long>("select count(*) from customers");
        Assert.Equal(50 - failed, committed);
        // Every write that failed left nothing behind, audit included; every write that succeeded has its row.
        Assert.Equal(committed, await _database.ScalarAsync<long>("select count(*) from customer_audit"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("select count(*) from customers where customer_id = 'poison'"));
        for (var i = 0; i < states.Length; i++)
        {
            Assert.Equal(outcomes[i] is null, states[i].State.ETag is not null);
        }
    }

    [Fact]
    public async Task A_row_the_database_refuses_as_bad_data_fails_only_its_own_write()
    {
        // SQLSTATE class 22 (data exception) or 23 (integrity violation) is about one row: the batch is split until the
        // row is alone, so one poisoned update cannot fail every update that happened to share its round trip.
        var (_, outcomes) = await WriteFiftyWithAPoisonAsync(errorCode: "22023");

        Assert.IsType<PostgresException>(outcomes[25]);
        Assert.Equal(49, outcomes.Count(e => e is null));
        Assert.Equal(49L, await _database.ScalarAsync<long>("select count(*) from customers"));
        Assert.Equal(49L, await _database.ScalarAsync<long>("select count(*) from customer_audit"));
        lock (_batchSizes) Assert.True(_batchSizes.Count < 30, $"{_batchSizes.Count} round trips for 50 writes");
    }

    /// <summary>
    /// Fifty writes released at once, the 26th of customer "poison", whose row a trigger refuses with the given SQLSTATE;
    /// answers each write's exception, or null when it was acknowledged.
    /// </summary>
    private async Task<((GrainId Id, GrainState<CustomerState> State)[] States, Exception?[] Outcomes)> WriteFiftyWithAPoisonAsync(string errorCode)
    {
        await _database.ExecuteAsync($$"""
            create function refuse_poison() returns trigger language plpgsql as $$
            begin
                if new.customer_id = 'poison' then raise exception 'poisoned row' using errcode = '{{errorCode}}'; end if;
                return new;
            end $$;
            create trigger refuse_poison before insert or update on customers for each row execute function refuse_poison();
            """);
        var states = Enumerable.Range(0, 50).Select(i => NewState(i == 25 ? "poison" : $"b{i}", i)).ToArray();
        var writes = WriteTogether(states);
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return (Exception?)null;
            }
            catch (Exception e)
            {
                return e;
            }
        }));
        return (states, outcomes);
    }

    /// <summary>Starts the writes, all released at once so that they share batches; one task per write, in order.</summary>
    private Task[] WriteTogether(IEnumerable<(GrainId Id, GrainState<CustomerState> State)> states)
    {
        var gate = new TaskCompletionSource();
        var writes = states.Select(async s =>
        {
            await gate.Task;
            await _storage.WriteStateAsync("customer", s.Id, s.State);
        }).ToArray();
        gate.SetResult();
        return writes;
    }

    private static (GrainId Id, GrainState<CustomerState> State) NewState(string customerId, decimal amount)
    {
        var state = new CustomerState
        {
            Customer = new CustomerSnapshot { Id = customerId, OutstandingAmount = amount },
            PendingAudit = new AuditChange(DateTimeOffset.UtcNow, """[{"kind":"update","before":{},"after":{}}]"""u8.ToArray()),
        };
        return (GrainId.Create("customer", CustomerKey.Format("t1", customerId)), new GrainState<CustomerState>(state));
    }
}
