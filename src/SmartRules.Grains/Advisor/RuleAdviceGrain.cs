using SmartRules.Contracts.Advisor;

namespace SmartRules.Grains.Advisor;

/// <summary>
/// Keeps the last customer-counting advice per rule of one tenant, in the rule sets' storage. Readers ignore advice
/// of an older rule version; that of a deleted rule is never read again (rule ids are not reused) and is dropped the
/// next time any advice is stored.
/// </summary>
public sealed class RuleAdviceGrain(
    [PersistentState("advice", GrainStorageNames.Rules)] IPersistentState<RuleAdviceState> state) : Grain, IRuleAdviceGrain
{
    public Task<IReadOnlyDictionary<string, StoredAdvice>> GetAllAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, StoredAdvice>>(new Dictionary<string, StoredAdvice>(state.State.Rules, StringComparer.Ordinal));

    public async Task StoreAsync(string ruleId, StoredAdvice advice, IReadOnlyCollection<string> existingRuleIds)
    {
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
        ArgumentNullException.ThrowIfNull(advice);
        ArgumentNullException.ThrowIfNull(existingRuleIds);
        foreach (var gone in state.State.Rules.Keys.Where(id => !existingRuleIds.Contains(id)).ToList()) state.State.Rules.Remove(gone);
        state.State.Rules[ruleId] = advice;
        await state.WriteOrDeactivateAsync(this);
    }
}
