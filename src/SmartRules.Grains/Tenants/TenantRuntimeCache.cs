using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Tenants;
using SmartRules.Grains.Rules;

namespace SmartRules.Grains.Tenants;

/// <summary>
/// The per-silo cache of compiled tenant rules and directories (a DI singleton, so each silo of an in-process test
/// cluster has its own). Customer grains read it on every update without calling another grain. It is filled on
/// first use from RuleSetGrain and TenantGrain, updated by their pushes (<see cref="SiloCacheGrain"/>), and never
/// goes back to an older version: a push and a load racing each other keep the newer of the two.
/// </summary>
/// <remarks>
/// A hit is a dictionary read completed synchronously. Loads go through <see cref="HybridCache"/> for its stampede
/// protection only (it stores nothing here): the callers that find a tenant missing at the same time share one load,
/// and a refresh, started by the first caller past <see cref="RefreshAfter"/>, shares it too.
/// </remarks>
public sealed partial class TenantRuntimeCache(IGrainFactory grains, HybridCache loads, TimeProvider time, ILogger<TenantRuntimeCache> logger)
{
    private static readonly HybridCacheEntryOptions LoadOnly = new()
    {
        Flags = HybridCacheEntryFlags.DisableLocalCache | HybridCacheEntryFlags.DisableDistributedCache | HybridCacheEntryFlags.DisableCompression,
    };

    private readonly ConcurrentDictionary<string, TenantRuntime> _tenants = new(StringComparer.Ordinal);

    /// <summary>After this long an entry is reloaded in the background, in case a push was missed.</summary>
    public TimeSpan RefreshAfter { get; set; } = TimeSpan.FromSeconds(30);

    public ValueTask<TenantRuntime> GetAsync(string tenantId)
    {
        if (_tenants.TryGetValue(tenantId, out var runtime) && runtime.IsComplete)
        {
            if (time.GetUtcNow() - runtime.LoadedAt > RefreshAfter && runtime.TryClaimRefresh()) _ = RefreshAsync(tenantId, runtime);
            return ValueTask.FromResult(runtime);
        }

        return LoadAsync(tenantId);
    }

    /// <summary>Takes a newer rule set and/or directory; older or equal versions are ignored.</summary>
    public TenantRuntime Apply(string tenantId, RuleSetSnapshot? ruleSet, TenantDirectorySnapshot? directory) =>
        Merge(tenantId, ruleSet, directory, loaded: false);

    private ValueTask<TenantRuntime> LoadAsync(string tenantId) =>
        loads.GetOrCreateAsync("tenant-runtime/" + tenantId, (Cache: this, TenantId: tenantId), static (s, _) => s.Cache.FetchAsync(s.TenantId), LoadOnly);

    private async ValueTask<TenantRuntime> FetchAsync(string tenantId)
    {
        var rules = grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenantId)).GetSnapshotAsync();
        var directory = grains.GetGrain<ITenantGrain>(TenantKey.Of(tenantId)).GetDirectoryAsync();
        return Merge(tenantId, await rules, await directory, loaded: true);
    }

    private async Task RefreshAsync(string tenantId, TenantRuntime stale)
    {
        try
        {
            await LoadAsync(tenantId);
        }
        catch (Exception e)
        {
            LogRefreshFailed(logger, e, tenantId);
            // Tried: the next try is a refresh period away, not on the next call.
            _tenants.TryUpdate(tenantId, stale.Renewed(time.GetUtcNow()), stale);
        }
    }

    /// <summary>
    /// Keeps the newer of each part. A load brings both parts and completes the entry (without compiling again when
    /// it brought nothing newer); a push for a tenant this silo has not loaded only records its part until then.
    /// </summary>
    private TenantRuntime Merge(string tenantId, RuleSetSnapshot? ruleSet, TenantDirectorySnapshot? directory, bool loaded)
    {
        while (true)
        {
            _tenants.TryGetValue(tenantId, out var existing);
            var rules = Newer(existing?.RuleSet, ruleSet, r => r.Version) ?? new RuleSetSnapshot(0, []);
            var dir = Newer(existing?.DirectorySnapshot, directory, d => d.Version) ?? TenantDirectorySnapshot.Missing;
            var complete = loaded || existing is { IsComplete: true };
            TenantRuntime next;
            if (existing is not null && ReferenceEquals(rules, existing.RuleSet) && ReferenceEquals(dir, existing.DirectorySnapshot) && complete == existing.IsComplete)
            {
                if (!loaded) return existing;
                next = existing.Renewed(time.GetUtcNow());
            }
            else
            {
                next = complete ? Build(tenantId, rules, dir) : Partial(rules, dir);
            }

            if (existing is null ? _tenants.TryAdd(tenantId, next) : _tenants.TryUpdate(tenantId, next, existing)) return next;
        }
    }

    private static T? Newer<T>(T? current, T? candidate, Func<T, long> version)
        where T : class =>
        current is null ? candidate : candidate is null || version(candidate) <= version(current) ? current : candidate;

    private TenantRuntime Partial(RuleSetSnapshot ruleSet, TenantDirectorySnapshot snapshot) =>
        new(ruleSet, snapshot, new CompiledRuleSet(ruleSet.Version, []), TenantDirectory.Empty) { LoadedAt = time.GetUtcNow(), IsComplete = false };

    private TenantRuntime Build(string tenantId, RuleSetSnapshot ruleSet, TenantDirectorySnapshot snapshot)
    {
        var directory = new TenantDirectory(snapshot.Users.Select(u => u.Email), snapshot.Workflows.Select(w => w.Id));
        var compiled = new List<CompiledRule>(ruleSet.Rules.Count);
        foreach (var rule in ruleSet.Rules.Where(r => r.Active))
        {
            var compilation = RuleCompiler.Compile(rule.Id, rule.Version, rule.Definition.ToDomain(), directory);
            if (compilation.Rule is { } ok) compiled.Add(ok);
            else LogRuleSkipped(logger, tenantId, rule.Id, rule.Version, string.Join("; ", compilation.Problems));
        }

        return new TenantRuntime(ruleSet, snapshot, new CompiledRuleSet(ruleSet.Version, compiled), directory) { LoadedAt = time.GetUtcNow() };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the rules of tenant {TenantId} failed; the cached version stays")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {TenantId} rule {RuleId} v{Version} no longer compiles and is not evaluated: {Problems}")]
    private static partial void LogRuleSkipped(ILogger logger, string tenantId, string ruleId, int version, string problems);
}
