namespace SmartRules.Contracts.Tenants;

/// <summary>
/// A tenant (key: <see cref="Tenants.TenantKey.Of"/>): its name, the hashes of its API keys, its directory of users and workflows, and its
/// settings. Directory changes reach every silo's cache before the call returns, like rule changes.
/// </summary>
[Alias("SmartRules.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant with the hash of its first API key; <c>false</c> when it already exists.</summary>
    [Alias("Create")]
    Task<bool> CreateAsync(string name, string apiKeyHash);

    [Alias("VerifyKey")]
    Task<bool> HasApiKeyHashAsync(string apiKeyHash);

    [Alias("PutUser")]
    Task PutUserAsync(DirectoryUser user);

    [Alias("PutWorkflow")]
    Task PutWorkflowAsync(DirectoryWorkflow workflow);

    [Alias("PutSettings")]
    Task<IReadOnlyList<FieldProblem>> PutSettingsAsync(TenantSettings settings);

    [Alias("Directory")]
    Task<TenantDirectorySnapshot> GetDirectoryAsync();
}
