using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;

namespace SmartRules.Grains.Tenants;

/// <summary>One per silo (key: the silo's address), placed on that silo: the door to its <see cref="TenantRuntimeCache"/>.</summary>
[Alias("SmartRules.ISiloCacheGrain")]
public interface ISiloCacheGrain : IGrainWithStringKey
{
    [Alias("RulesChanged")]
    Task RulesChangedAsync(string tenantId, RuleSetSnapshot snapshot);

    [Alias("DirectoryChanged")]
    Task DirectoryChangedAsync(string tenantId, TenantDirectorySnapshot snapshot);

    /// <summary>Forgets accepted API keys (by hash) of a tenant: they are checked with the tenant grain again, which refuses them.</summary>
    [Alias("KeysRevoked")]
    Task KeysRevokedAsync(string tenantId, IReadOnlyList<string> hashes);
}
