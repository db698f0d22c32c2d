using System.ComponentModel;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Tenants;

namespace SmartRules.Grains.Tenants;

/// <summary>What a customer grain needs of its tenant for one update, compiled once per version and shared by
/// every customer grain of the tenant on a silo.</summary>
/// <remarks>Immutable for <see cref="Microsoft.Extensions.Caching.Hybrid.HybridCache"/>, which then hands the one
/// instance a load made to every caller that waited on it, instead of serialising defensive copies.</remarks>
[ImmutableObject(true)]
public sealed class TenantRuntime(RuleSetSnapshot ruleSet, TenantDirectorySnapshot directorySnapshot, CompiledRuleSet rules, TenantDirectory directory)
{
    private int _refreshClaimed;

    public RuleSetSnapshot RuleSet { get; } = ruleSet;

    public TenantDirectorySnapshot DirectorySnapshot { get; } = directorySnapshot;

    public CompiledRuleSet Rules { get; } = rules;

    public TenantDirectory Directory { get; } = directory;

    public RatingSource RatingSource => DirectorySnapshot.Settings.RatingSource == "derivedFromDelay" ? RatingSource.DerivedFromDelay : RatingSource.Provided;

    /// <summary>When it was loaded, pushed, or last tried to refresh: the refresh period counts from here.</summary>
    public DateTimeOffset LoadedAt { get; init; }

    /// <summary>
    /// False for what pushes alone built on a silo that has not loaded the tenant (one part pushed, the other
    /// unknown, nothing compiled): it only carries the pushed versions until a load completes it.
    /// </summary>
    internal bool IsComplete { get; init; } = true;

    /// <summary>The same compiled rules and directory, counted as loaded at <paramref name="now"/>.</summary>
    internal TenantRuntime Renewed(DateTimeOffset now) => new(RuleSet, DirectorySnapshot, Rules, Directory) { LoadedAt = now, IsComplete = IsComplete };

    /// <summary>True for the one caller that gets to refresh this version (each version is refreshed once).</summary>
    internal bool TryClaimRefresh() => Interlocked.Exchange(ref _refreshClaimed, 1) == 0;
}
