using SmartRules.Contracts.Advisor;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Advisor;
using SmartRules.Grains.Tenants;

namespace SmartRules.Server.Apis.Advisor;

/// <summary>
/// The warnings of rule responses: the rule-only ones computed now from the rule set (always current), plus the
/// customer-counting ones GET /api/rules/{id}/advice last stored for the rule's current version (their messages say
/// when they were counted). Three calls per response whatever the number of rules, so a list of 1,000 stays fast.
/// </summary>
public sealed class RuleWarnings
{
    private readonly RuleAdvisor _advisor;
    private readonly IReadOnlyDictionary<string, StoredAdvice> _stored;

    private RuleWarnings(RuleAdvisor advisor, IReadOnlyDictionary<string, StoredAdvice> stored)
    {
        _advisor = advisor;
        _stored = stored;
    }

    public RuleSetSnapshot Snapshot { get; private init; } = null!;

    public static async Task<RuleWarnings> LoadAsync(IGrainFactory grains, TenantRuntimeCache tenants, string tenantId)
    {
        var key = TenantKey.Of(tenantId);
        var snapshot = grains.GetGrain<IRuleSetGrain>(key).GetSnapshotAsync();
        var stored = grains.GetGrain<IRuleAdviceGrain>(key).GetAllAsync();
        var tenant = await tenants.GetAsync(tenantId);
        return new RuleWarnings(new RuleAdvisor((await snapshot).Rules, tenant.Directory), await stored) { Snapshot = await snapshot };
    }

    public IReadOnlyList<RuleWarningResponse> For(RuleRecord rule)
    {
        var warnings = _advisor.For(rule).Select(RuleWarningResponse.From).ToList();
        if (_stored.TryGetValue(rule.Id, out var stored) && stored.RuleVersion == rule.Version) warnings.AddRange(stored.Warnings.Select(RuleWarningResponse.From));
        return warnings;
    }

    /// <summary>The rule as answered, with its warnings.</summary>
    public RuleResponse Response(RuleRecord rule) => RuleResponse.From(rule, For(rule));

    /// <summary>For one changed rule: loads the rule set (which already holds the change) and answers it.</summary>
    public static async Task<RuleResponse> ResponseAsync(IGrainFactory grains, TenantRuntimeCache tenants, string tenantId, RuleRecord rule) =>
        (await LoadAsync(grains, tenants, tenantId)).Response(rule);
}
