using System.Collections.Concurrent;
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
public sealed partial class TenantRuntimeCache(IGrainFactory grains, TimeProvider time, ILogger<TenantRuntimeCache> logger)
{
    private readonly ConcurrentDictionary<string, TenantRuntime> _tenants = new(StringComparer.Ordinal);

    /// <summary>After this long an entry is reloaded in the background, in case a push was missed.</summary>
    public TimeSpan RefreshAfter { get; set; } = TimeSpan.FromSeconds(30);

    public ValueTask<TenantRuntime> GetAsync(string tenantId)
    {
        if (_tenants.TryGetValue(tenantId, out var runtime))
        {
            if (time.GetUtcNow() - runtime.LoadedAt > RefreshAfter) _ = RefreshAsync(tenantId);
            return ValueTask.FromResult(runtime);
        }

        return new ValueTask<TenantRuntime>(LoadAsync(tenantId));
    }

    /// <summary>Takes a newer rule set and/or directory; older or equal versions are ignored.</summary>
    public TenantRuntime Apply(string tenantId, RuleSetSnapshot? ruleSet, TenantDirectorySnapshot? directory)
    {
        while (true)
        {
            _tenants.TryGetValue(tenantId, out var existing);
            var rules = Newer(existing?.RuleSet, ruleSet, r => r.Version) ?? new RuleSetSnapshot(0, []);
            var dir = Newer(existing?.DirectorySnapshot, directory, d => d.Version) ?? TenantDirectorySnapshot.Missing;
            if (existing is not null && ReferenceEquals(rules, existing.RuleSet) && ReferenceEquals(dir, existing.DirectorySnapshot))
            {
                return existing;
            }

            var built = Build(tenantId, rules, dir);
            if (existing is null ? _tenants.TryAdd(tenantId, built) : _tenants.TryUpdate(tenantId, built, existing)) return built;
        }
    }

    private static T? Newer<T>(T? current, T? candidate, Func<T, long> version)
        where T : class =>
        current is null ? candidate : candidate is null || version(candidate) <= version(current) ? current : candidate;

    private async Task<TenantRuntime> LoadAsync(string tenantId)
    {
        var rules = grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenantId)).GetSnapshotAsync();
        var directory = grains.GetGrain<ITenantGrain>(TenantKey.Of(tenantId)).GetDirectoryAsync();
        return Apply(tenantId, await rules, await directory);
    }

    private async Task RefreshAsync(string tenantId)
    {
        try
        {
            var rules = await grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenantId)).GetSnapshotAsync();
            var directory = await grains.GetGrain<ITenantGrain>(TenantKey.Of(tenantId)).GetDirectoryAsync();
            var refreshed = Build(tenantId, rules, directory);
            _tenants.AddOrUpdate(tenantId, refreshed, (_, existing) =>
                existing.RuleSet.Version > rules.Version || existing.DirectorySnapshot.Version > directory.Version ? existing : refreshed);
        }
        catch (Exception e)
        {
            LogRefreshFailed(logger, e, tenantId);
        }
    }

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
