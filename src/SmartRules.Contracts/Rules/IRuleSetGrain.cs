namespace SmartRules.Contracts.Rules;

/// <summary>
/// A tenant's rule set (key: <see cref="Tenants.TenantKey.Of"/>), the source of truth for its rules and their order. Every change is
/// durable and has reached the rule cache of every active silo before the call returns, so an update that starts
/// after a change was acknowledged evaluates the new rules.
/// </summary>
[Alias("SmartRules.IRuleSetGrain")]
public interface IRuleSetGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<RuleChangeResult> CreateAsync(RuleDefinitionDto definition, bool active);

    /// <summary>Replaces the definition; the rule's version goes up by one.</summary>
    [Alias("Edit")]
    Task<RuleChangeResult> EditAsync(string ruleId, RuleDefinitionDto definition);

    [Alias("SetActive")]
    Task<RuleChangeResult> SetActiveAsync(string ruleId, bool active);

    [Alias("Delete")]
    Task<bool> DeleteAsync(string ruleId);

    /// <summary>Sets the rule-set order; <paramref name="ruleIds"/> must be a permutation of all the tenant's rules.</summary>
    [Alias("Reorder")]
    Task<IReadOnlyList<FieldProblem>> ReorderAsync(IReadOnlyList<string> ruleIds);

    [Alias("Get")]
    Task<RuleRecord?> GetAsync(string ruleId);

    [Alias("Snapshot")]
    Task<RuleSetSnapshot> GetSnapshotAsync();
}
