using Orleans.Concurrency;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Placement;

namespace SmartRules.Grains.Tenants;

[SiloTargetedPlacement]
[Reentrant]
public sealed class SiloCacheGrain(TenantRuntimeCache cache, ApiKeyCache keys) : Grain, ISiloCacheGrain
{
    public Task RulesChangedAsync(string tenantId, RuleSetSnapshot snapshot)
    {
        cache.Apply(tenantId, snapshot, null);
        return Task.CompletedTask;
    }

    public Task DirectoryChangedAsync(string tenantId, TenantDirectorySnapshot snapshot)
    {
        cache.Apply(tenantId, null, snapshot);
        return Task.CompletedTask;
    }

    public Task KeysRevokedAsync(string tenantId, IReadOnlyList<string> hashes)
    {
        keys.Revoke(hashes);
        return Task.CompletedTask;
    }
}
