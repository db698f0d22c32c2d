namespace SmartRules.Contracts.Advisor;

/// <summary>
/// The last computed customer-counting warnings of a tenant's rules (key: <see cref="Tenants.TenantKey.Of"/>), so that
/// rule responses and lists carry them without counting customers: listing 1,000 rules is one call here.
/// </summary>
[Alias("SmartRules.IRuleAdviceGrain")]
public interface IRuleAdviceGrain : IGrainWithStringKey
{
    /// <summary>Every rule's stored advice, by rule id.</summary>
    [Alias("GetAll")]
    Task<IReadOnlyDictionary<string, StoredAdvice>> GetAllAsync();

    /// <summary>Replaces one rule's stored advice, and drops that of rules no longer in <paramref name="existingRuleIds"/>.</summary>
    [Alias("Store")]
    Task StoreAsync(string ruleId, StoredAdvice advice, IReadOnlyCollection<string> existingRuleIds);
}
