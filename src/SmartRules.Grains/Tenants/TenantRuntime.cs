using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Tenants;

namespace SmartRules.Grains.Tenants;

/// <summary>What a customer grain needs of its tenant for one update, compiled once per version and shared by
/// every customer grain of the tenant on a silo.</summary>
public sealed class TenantRuntime(RuleSetSnapshot ruleSet, TenantDirectorySnapshot directorySnapshot, CompiledRuleSet rules, TenantDirectory directory)
{
    public RuleSetSnapshot RuleSet { get; } = ruleSet;

    public TenantDirectorySnapshot DirectorySnapshot { get; } = directorySnapshot;

    public CompiledRuleSet Rules { get; } = rules;

    public TenantDirectory Directory { get; } = directory;

    public RatingSource RatingSource => DirectorySnapshot.Settings.RatingSource == "derivedFromDelay" ? RatingSource.DerivedFromDelay : RatingSource.Provided;

    public DateTimeOffset LoadedAt { get; init; }
}
