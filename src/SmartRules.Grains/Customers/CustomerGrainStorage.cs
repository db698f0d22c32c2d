using System.Globalization;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using SmartRules.Contracts.Customers;
using SmartRules.Persistence;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Customers;

/// <summary>
/// The grain storage provider of customer grains (name <see cref="Name"/>): a row of <c>customers</c> per grain,
/// in the tenant's database (<see cref="ICustomerDatabases"/>), read through its <see cref="CustomerReadBatcher"/> and
/// written through its <see cref="CustomerWriteBatcher"/>. The ETag is the row's version; a write
/// whose ETag does not match the row fails with <see cref="InconsistentStateException"/> and changes nothing.
/// Its awaits keep the grain's scheduler (no <c>ConfigureAwait(false)</c>): when a batch commits, the rest of a write
/// then runs as one work item of the activation, and the grain's own continuation runs inline after it, where resuming
/// on the thread pool first cost a second work item per read or write (docs/benchmarks.md, change 29).
/// </summary>
public sealed class CustomerGrainStorage(ICustomerDatabases databases, TimeProvider time) : IGrainStorage
{
    public const string Name = "customers";

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var state = StateOf(grainState);
        var (tenantId, customerId) = state.KeyOf(grainId);
        using var activity = StoreTelemetry.StartCustomerCall("read", tenantId);
        var database = await databases.ForTenantAsync(tenantId);
        if (await database.Reads.ReadAsync(tenantId, customerId) is not { } stored)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        state.Customer = stored.Customer;
        state.Stored = StoredColumns.Of(stored.Customer);
        state.LastSequence = stored.LastSequence;
        state.Version = stored.Version;
        state.AppliedBackfills = [.. stored.AppliedBackfills];
        grainState.ETag = Tag(state.Version);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var state = StateOf(grainState);
        var (tenantId, customerId) = state.KeyOf(grainId);
        var expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        // Versions start at 1 (0: no row yet); the batch statement tells creations from updates by the new version.
        ArgumentOutOfRangeException.ThrowIfNegative(expected, nameof(grainState.ETag));
        var write = new CustomerWrite(
            tenantId, customerId, expected,
            state.Customer ?? throw new InvalidOperationException("A customer row is written only once the customer exists."),
            state.LastSequence, state.AppliedBackfills, state.PendingAudit, state.PendingOutbox, time.GetUtcNow(),
            state.Version == expected ? state.Stored : null);
        using var activity = StoreTelemetry.StartCustomerCall("write", tenantId);
        var database = await databases.ForTenantAsync(tenantId);
        if (!await database.Writes.WriteAsync(write))
        {
            throw new InconsistentStateException(
                $"Customer {tenantId}/{customerId} was changed elsewhere (expected version {expected}).",
                storedEtag: "unknown",
                currentEtag: grainState.ETag);
        }

        state.Version = write.NewVersion;
        state.Stored = StoredColumns.Of(write.Customer);
        state.PendingAudit = null;
        state.PendingOutbox = [];
        grainState.ETag = Tag(write.NewVersion);
        grainState.RecordExists = true;
    }

    /// <summary>Customers are never deleted: an excluded customer keeps its row and history.</summary>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        throw new NotSupportedException("Customer state is never cleared; exclusion keeps the customer and its history.");

    /// <summary>The ETags of the first versions, made once: a write then leaves no new string in its grain for the next
    /// gen0 collection to copy (docs/benchmarks.md, change 20).</summary>
    private static readonly string[] Tags = [.. Enumerable.Range(0, 1024).Select(v => v.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The ETag of a version: its decimal digits.</summary>
    internal static string Tag(long version) =>
        version >= 0 && version < Tags.Length ? Tags[version] : version.ToString(CultureInfo.InvariantCulture);

    private static CustomerState StateOf<T>(IGrainState<T> grainState) =>
        grainState.State as CustomerState
        ?? throw new NotSupportedException($"The '{Name}' storage holds {nameof(CustomerState)} only, not {typeof(T).Name}.");
}
