using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Domain.Customers;
using SmartRules.Grains.Customers;
using SmartRules.Persistence.Customers;
using SmartRules.Grains.Tests.Infrastructure;
using static SmartRules.Grains.Tests.Infrastructure.RuleBuilders;

namespace SmartRules.Grains.Tests;

/// <summary>
/// The customer grain reads and writes its state through whatever grain storage is registered under
/// <see cref="GrainStorageNames.Customers"/> (it calls the provider itself, not through Orleans' persistent-state facet;
/// the load bench swaps in the stock ADO.NET and memory providers). Here a provider that behaves like most others does:
/// it gives no state object when it finds nothing, a new one on every read, and refuses a write whose ETag is stale.
/// </summary>
public sealed class CustomerStorageProviderTests(CustomerStorageProviderTests.OtherProviderCluster fixture)
    : IClassFixture<CustomerStorageProviderTests.OtherProviderCluster>
{
    public sealed class OtherProviderCluster : ClusterFixture
    {
        public CopyingStorage Storage { get; } = new();

        protected override void ConfigureSilo(ISiloBuilder silo) =>
            silo.ConfigureServices(services => services.AddGrainStorage(GrainStorageNames.Customers, (_, _) => Storage));
    }

    /// <summary>Keeps each customer's values (not the grain's object) and hands back copies.</summary>
    public sealed class CopyingStorage : IGrainStorage
    {
        private readonly ConcurrentDictionary<GrainId, (CustomerSnapshot Customer, long? Sequence, long Version, string[] Backfills)> _rows = new();

        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        /// <summary>The state object each grain last wrote (the grain's own, not a copy).</summary>
        public ConcurrentDictionary<GrainId, CustomerState> Written { get; } = new();

        /// <summary>The state object each grain was last given by a read that found its row.</summary>
        public ConcurrentDictionary<GrainId, CustomerState> Read { get; } = new();

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Interlocked.Increment(ref _reads);
            if (!_rows.TryGetValue(grainId, out var row))
            {
                grainState.State = default!;
                grainState.ETag = null;
                grainState.RecordExists = false;
                return Task.CompletedTask;
            }

            var state = new CustomerState
            {
                Customer = row.Customer, Stored = StoredColumns.Of(row.Customer), LastSequence = row.Sequence, Version = row.Version, AppliedBackfills = [.. row.Backfills],
            };
            Read[grainId] = state;
            grainState.State = (T)(object)state;
            grainState.ETag = row.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var state = (CustomerState)(object)grainState.State!;
            var expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
            var current = _rows.TryGetValue(grainId, out var row) ? row.Version : 0;
            if (current != expected) throw new InconsistentStateException($"expected version {expected}, stored {current}", current.ToString(CultureInfo.InvariantCulture), grainState.ETag);
            _rows[grainId] = (state.Customer!, state.LastSequence, expected + 1, [.. state.AppliedBackfills]);
            Written[grainId] = state;
            state.Version = expected + 1;
            state.Stored = StoredColumns.Of(state.Customer!);
            state.PendingAudit = null;
            state.PendingOutbox = [];
            grainState.ETag = state.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();
    }

    private ICustomerGrain Customer(string tenant, string id) => fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, id));

    [Fact]
    public async Task A_customer_is_created_updated_and_read_back_through_another_provider()
    {
        var tenant = await fixture.CreateTenantAsync();
        var grain = Customer(tenant, "c1");

        var created = await grain.ApplyAsync(Outstanding(100m, sequence: 1, name: "Acme"));
        var updated = await grain.ApplyAsync(Outstanding(250m, sequence: 2));
        var stale = await grain.ApplyAsync(Outstanding(999m, sequence: 2));
        var reads = fixture.Storage.Reads;
        await fixture.Cluster.DeactivateAsync(grain);
        var after = await grain.GetAsync();

        Assert.Equal(CustomerUpdateStatus.Created, created.Status);
        Assert.Equal(CustomerUpdateStatus.Updated, updated.Status);
        Assert.Equal(CustomerUpdateStatus.Stale, stale.Status);
        Assert.True(fixture.Storage.Reads > reads, "the new activation read its state from the provider");
        Assert.Equal(250m, after!.OutstandingAmount);
        Assert.Equal("Acme", after.Name);
        Assert.Equal(2, after.Version);
        // The sequence came back with the state: a retry of the last update is still stale.
        Assert.Equal(CustomerUpdateStatus.Stale, (await grain.ApplyAsync(Outstanding(999m, sequence: 2))).Status);
    }

    [Fact]
    public async Task A_grain_keeps_no_snapshot_of_its_changes_once_they_are_written()
    {
        // Each change makes a new snapshot of the customer; a grain that kept it would leave one young object per update
        // for the next gen0 collection to copy (docs/benchmarks.md, change 28). Created, then updated, then read back.
        var tenant = await fixture.CreateTenantAsync();
        var grain = Customer(tenant, "kept");

        await grain.ApplyAsync(Outstanding(100m, sequence: 1, name: "Acme"));
        var state = fixture.Storage.Written[((GrainReference)grain).GrainId];
        Assert.False(state.HoldsSnapshot, "after a creation");

        var updated = await grain.IngestAsync(Outstanding(250m, sequence: 2));
        Assert.Equal(CustomerUpdateStatus.Updated, updated.Status);
        Assert.False(state.HoldsSnapshot, "after an update");
        Assert.Equal(250m, (await grain.GetAsync())!.OutstandingAmount);

        // A read alone: the state the provider handed over holds no snapshot once the grain has loaded it.
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(250m, (await grain.GetAsync())!.OutstandingAmount);
        Assert.False(fixture.Storage.Read[((GrainReference)grain).GrainId].HoldsSnapshot, "after a read");
    }

    [Fact]
    public async Task A_customer_the_provider_does_not_have_is_new()
    {
        var tenant = await fixture.CreateTenantAsync();

        Assert.Null(await Customer(tenant, "nobody").GetAsync());
        Assert.Equal(CustomerUpdateStatus.Created, (await Customer(tenant, "nobody").ApplyAsync(Outstanding(1m))).Status);
    }
}
