using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using SmartRules.Persistence.Schema;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Customer data spread over several PostgreSQL servers by tenant: the cluster database (the shard
/// <see cref="CustomerDatabase.ClusterDatabaseName"/>) and the configured shards. A tenant's shard is read once from
/// <see cref="TenantShardMap"/> and then answered from memory, so the hot path stays a dictionary read; a tenant
/// without a row lives on the cluster database. A shard's customer tables are migrated before its first use here,
/// so a shard that was down when the silo started is prepared once it is back.
/// </summary>
public sealed partial class ShardedCustomerDatabases : ICustomerDatabases, IAsyncDisposable
{
    // A tenant with no row is a tenant from before shards, or one being created on another silo right now; re-reading
    // after a while bounds how long the second kind could be looked for in the wrong place (see docs/operations.md).
    private static readonly TimeSpan UnrecordedRecheck = TimeSpan.FromMinutes(1);

    // After a failed attempt to prepare a shard, its tenants are answered "unavailable" at once for this long instead
    // of every request trying the server again.
    private static readonly TimeSpan PrepareBackoff = TimeSpan.FromSeconds(2);

    // Below this many rows (PostgreSQL's estimate) a shard's customers are counted exactly when placing a tenant.
    private const long ExactCountBelow = 100_000;

    private readonly Dictionary<string, Shard> _shards;
    private readonly ConcurrentDictionary<string, Placement> _tenants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Placement>>> _lookups = new(StringComparer.Ordinal);
    private readonly TenantShardMap _map;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    /// <param name="cluster">The cluster database, already migrated (the server migrates it before the silo starts).</param>
    /// <param name="others">The configured shards; their data sources are owned (disposed) by this.</param>
    public ShardedCustomerDatabases(CustomerDatabase cluster, IReadOnlyList<CustomerDatabase> others, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(others);
        _shards = new Dictionary<string, Shard>(StringComparer.Ordinal) { [cluster.Name] = new Shard(cluster, owned: false) { Ready = true } };
        foreach (var other in others)
        {
            if (!_shards.TryAdd(other.Name, new Shard(other, owned: true)))
            {
                throw new ArgumentException($"The customer shard '{other.Name}' is configured twice.", nameof(others));
            }
        }

        All = [cluster, .. others];
        _map = new TenantShardMap(cluster.DataSource);
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ShardedCustomerDatabases>();
    }

    public IReadOnlyList<CustomerDatabase> All { get; }

    public ValueTask<CustomerDatabase> ForTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        if (_tenants.TryGetValue(tenantId, out var placement) && placement.Shard.Ready &&
            (placement.RecheckAt is not { } recheck || recheck > _time.GetUtcNow()))
        {
            return ValueTask.FromResult(placement.Shard.Database);
        }

        return new ValueTask<CustomerDatabase>(ResolveAsync(tenantId, cancellationToken));
    }

    public async Task<CustomerDatabase> PlaceAsync(string tenantId, string? shard, CancellationToken cancellationToken = default)
    {
        Shard target;
        if (shard is not null)
        {
            target = _shards.TryGetValue(shard, out var named) ? named : throw new ArgumentException($"There is no customer shard '{shard}'.", nameof(shard));
        }
        else
        {
            target = await FewestCustomersAsync(cancellationToken).ConfigureAwait(false);
        }

        await _map.RecordAsync(tenantId, target.Database.Name, cancellationToken).ConfigureAwait(false);
        _tenants[tenantId] = new Placement(target, RecheckAt: null);
        LogPlaced(_logger, tenantId, target.Database.Name);
        return target.Database;
    }

    private async Task<CustomerDatabase> ResolveAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (!_tenants.TryGetValue(tenantId, out var placement) || placement.RecheckAt is { } recheck && recheck <= _time.GetUtcNow())
        {
            // Callers that find the same tenant missing or due at once (every line of a busy tenant when its minute is
            // up) share one look-up instead of each taking a connection for it; each still waits for the fresh answer.
            var lookup = _lookups.GetOrAdd(tenantId, id => new Lazy<Task<Placement>>(() => LookUpAsync(id)));
            placement = await lookup.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await PrepareAsync(placement.Shard, cancellationToken).ConfigureAwait(false);
        return placement.Shard.Database;
    }

    /// <summary>Runs once per entry of <see cref="_lookups"/> (its <see cref="Lazy{T}"/> is stored before it starts) and
    /// removes that entry when done, so the next miss looks again.</summary>
    private async Task<Placement> LookUpAsync(string tenantId)
    {
        try
        {
            var recorded = await _map.FindAsync(tenantId, CancellationToken.None).ConfigureAwait(false);
            var name = recorded ?? CustomerDatabase.ClusterDatabaseName;
            if (!_shards.TryGetValue(name, out var shard))
            {
                throw new CustomerShardUnavailableException(
                    $"Tenant '{tenantId}' lives on the customer shard '{name}', which is not among this silo's SmartRules:CustomerShards.");
            }

            var placement = new Placement(shard, recorded is null ? _time.GetUtcNow() + UnrecordedRecheck : null);
            _tenants[tenantId] = placement;
            return placement;
        }
        finally
        {
            _lookups.TryRemove(tenantId, out _);
        }
    }

    /// <summary>Brings the shard's customer tables up to date, once per silo; an unreachable server is an outage.</summary>
    private async Task PrepareAsync(Shard shard, CancellationToken cancellationToken)
    {
        if (shard.Ready) return;
        if (shard.FailedUntil > _time.GetUtcNow()) throw Unreachable(shard, null);
        await shard.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (shard.Ready) return;
            await new SchemaMigrator(shard.Database.DataSource, _loggers.CreateLogger<SchemaMigrator>())
                .MigrateAsync(customerShardOnly: true, cancellationToken).ConfigureAwait(false);
            shard.Ready = true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            shard.FailedUntil = _time.GetUtcNow() + PrepareBackoff;
            LogPrepareFailed(_logger, shard.Database.Name, e.Message);
            throw Unreachable(shard, e);
        }
        finally
        {
            shard.Gate.Release();
        }
    }

    /// <summary>The reachable shard holding the fewest customers (ties: the first configured, the cluster database first).</summary>
    private async Task<Shard> FewestCustomersAsync(CancellationToken cancellationToken)
    {
        if (_shards.Count == 1) return _shards.Values.First();
        var counts = await Task.WhenAll(_shards.Values.Select(async shard =>
        {
            try
            {
                await PrepareAsync(shard, cancellationToken).ConfigureAwait(false);
                return (Shard: shard, Count: await CountCustomersAsync(shard.Database.DataSource, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or CustomerShardUnavailableException)
            {
                return (Shard: shard, Count: (long?)null);
            }
        })).ConfigureAwait(false);
        var reachable = counts.Where(c => c.Count is not null).ToList();
        if (reachable.Count == 0) throw new CustomerShardUnavailableException("No customer shard can be reached to place a new tenant.");
        return reachable.MinBy(c => c.Count!.Value).Shard;
    }

    // Exact below ExactCountBelow (new shards, tests), PostgreSQL's estimate above it: counting 100M rows to place a tenant is not worth it.
    private static async Task<long?> CountCustomersAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select case when c.reltuples >= @exactBelow then c.reltuples::bigint else (select count(*) from customers) end
            from pg_class c where c.oid = 'customers'::regclass
            """);
        command.Parameters.AddWithValue("exactBelow", (float)ExactCountBelow);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static CustomerShardUnavailableException Unreachable(Shard shard, Exception? cause)
    {
        var message = $"The customer shard '{shard.Database.Name}' cannot be reached.";
        return cause is null ? new(message) : new(message, cause);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shard in _shards.Values)
        {
            await shard.Database.DisposeAsync().ConfigureAwait(false);
            if (shard.Owned) await shard.Database.DataSource.DisposeAsync().ConfigureAwait(false);
            shard.Gate.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} placed on customer shard {Shard}")]
    private static partial void LogPlaced(ILogger logger, string tenantId, string shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer shard {Shard} cannot be prepared (its tenants answer 503 until it can): {Reason}")]
    private static partial void LogPrepareFailed(ILogger logger, string shard, string reason);

    private sealed class Shard(CustomerDatabase database, bool owned)
    {
        public CustomerDatabase Database { get; } = database;

        public bool Owned { get; } = owned;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public volatile bool Ready;

        public DateTimeOffset FailedUntil { get; set; }
    }

    private sealed record Placement(Shard Shard, DateTimeOffset? RecheckAt);
}
