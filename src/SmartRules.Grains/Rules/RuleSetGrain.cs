using SmartRules.Contracts;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Tenants;
using SmartRules.Grains.Notifications;
using SmartRules.Grains.Tenants;

namespace SmartRules.Grains.Rules;

/// <summary>
/// The source of truth for a tenant's rules (key: <see cref="TenantKey"/>). Every change is validated against the tenant's directory, written, and
/// pushed to every silo's cache before it is acknowledged; customer grains never call this grain per update.
/// </summary>
public sealed class RuleSetGrain(
    [PersistentState("rules", GrainStorageNames.Rules)] IPersistentState<RuleSetState> state,
    IGrainFactory grains) : Grain, IRuleSetGrain
{
    private string TenantId => TenantKey.TenantIdOf(this.GetPrimaryKeyString());

    public async Task<RuleChangeResult> CreateAsync(RuleDefinitionDto definition, bool active)
    {
        var problems = await ValidateAsync(definition);
        if (state.State.Rules.Count >= CompiledRuleSet.MaxRules)
        {
            problems = [.. problems, new FieldProblem("rules", $"a tenant has at most {CompiledRuleSet.MaxRules} rules; delete one first")];
        }

        if (problems.Count > 0) return RuleChangeResult.Invalid(problems);
        var rule = new RuleRecord(NewRuleId(), 1, active, definition);
        state.State.Rules.Add(rule);
        await SaveAsync();
        return RuleChangeResult.Ok(rule);
    }

    public async Task<RuleChangeResult> EditAsync(string ruleId, RuleDefinitionDto definition)
    {
        var index = IndexOf(ruleId);
        if (index < 0) return RuleChangeResult.NotFound;
        var problems = await ValidateAsync(definition);
        if (problems.Count > 0) return RuleChangeResult.Invalid(problems);
        var current = state.State.Rules[index];
        var edited = current with { Version = current.Version + 1, Definition = definition };
        state.State.Rules[index] = edited;
        await SaveAsync();
        return RuleChangeResult.Ok(edited);
    }

    public async Task<RuleChangeResult> SetActiveAsync(string ruleId, bool active)
    {
        var index = IndexOf(ruleId);
        if (index < 0) return RuleChangeResult.NotFound;
        var current = state.State.Rules[index];
        if (current.Active == active) return RuleChangeResult.Ok(current);
        var changed = current with { Active = active };
        state.State.Rules[index] = changed;
        await SaveAsync();
        return RuleChangeResult.Ok(changed);
    }

    public async Task<bool> DeleteAsync(string ruleId)
    {
        var index = IndexOf(ruleId);
        if (index < 0) return false;
        state.State.Rules.RemoveAt(index);
        await SaveAsync();
        return true;
    }

    public async Task<IReadOnlyList<FieldProblem>> ReorderAsync(IReadOnlyList<string> ruleIds)
    {
        var rules = state.State.Rules;
        var byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var distinct = new HashSet<string>(ruleIds, StringComparer.Ordinal);
        if (ruleIds.Count != rules.Count || distinct.Count != ruleIds.Count || !distinct.All(byId.ContainsKey))
        {
            return [new FieldProblem("", $"must list each of the tenant's {rules.Count} rule ids exactly once (a permutation of GET /api/rules)")];
        }

        state.State.Rules = [.. ruleIds.Select(id => byId[id])];
        await SaveAsync();
        return [];
    }

    public Task<RuleRecord?> GetAsync(string ruleId)
    {
        var index = IndexOf(ruleId);
        return Task.FromResult(index < 0 ? null : state.State.Rules[index]);
    }

    public Task<RuleSetSnapshot> GetSnapshotAsync() => Task.FromResult(Snapshot());

    private RuleSetSnapshot Snapshot() => new(state.State.Version, state.State.Rules.ToArray());

    private async Task<IReadOnlyList<FieldProblem>> ValidateAsync(RuleDefinitionDto definition)
    {
        var snapshot = await grains.GetGrain<ITenantGrain>(TenantKey.Of(TenantId)).GetDirectoryAsync();
        var directory = new TenantDirectory(snapshot.Users.Select(u => u.Email), snapshot.Workflows.Select(w => w.Id));
        var problems = RuleCompiler.Validate(definition.ToDomain(), directory).Select(p => p.ToContract()).ToList();
        if (definition.Action is { Type: "sendNotification" } action)
        {
            if (NotificationRenderer.Problem(action.Body) is { } body) problems.Add(new FieldProblem("action.body", body));
            if (NotificationRenderer.Problem(action.Subject) is { } subject) problems.Add(new FieldProblem("action.subject", subject));
        }

        return problems;
    }

    private async Task SaveAsync()
    {
        state.State.Version++;
        await state.WriteOrDeactivateAsync(this);
        var snapshot = Snapshot();
        await CachePublisher.PublishAsync(grains, cache => cache.RulesChangedAsync(TenantId, snapshot));
    }

    private int IndexOf(string ruleId) => state.State.Rules.FindIndex(r => r.Id == ruleId);

    private static string NewRuleId() => "r-" + Guid.NewGuid().ToString("N")[..12];
}
