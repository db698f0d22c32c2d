namespace SmartRules.Contracts.Tenants;

/// <summary>
/// A tenant (key: <see cref="Tenants.TenantKey.Of"/>): its name, the hashes of its API keys, its directory of users and workflows, and its
/// settings. Directory changes reach every silo's cache before the call returns, like rule changes.
/// </summary>
[Alias("SmartRules.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the tenant with the hash of its first API key and answers that key; <c>null</c> when the tenant already
    /// exists. Its customer data goes to <paramref name="shard"/> (a configured customer shard; the caller validates it),
    /// or when <c>null</c> to the shard holding the fewest customers; the choice is recorded before the tenant exists.
    /// </summary>
    [Alias("Create")]
    Task<TenantApiKey?> CreateAsync(string name, string apiKeyHash, string? shard = null);

    /// <summary>Whether the hash is one of the tenant's keys not revoked; records when the key was used (to the minute).</summary>
    [Alias("VerifyKey")]
    Task<bool> HasApiKeyHashAsync(string apiKeyHash);

    /// <summary>Adds a key (rotation: the others keep working); <c>null</c> when the tenant does not exist.</summary>
    [Alias("AddKey")]
    Task<TenantApiKey?> AddApiKeyAsync(string apiKeyHash);

    /// <summary>The keys not revoked, oldest first; <c>null</c> when the tenant does not exist.</summary>
    [Alias("Keys")]
    Task<IReadOnlyList<TenantApiKey>?> GetApiKeysAsync();

    /// <summary>
    /// Revokes a key and returns once every active silo has forgotten it, so that it gets 401 everywhere from then on.
    /// Revoking a key already revoked pushes the revocation again (a retried DELETE); <c>false</c> for an unknown key.
    /// </summary>
    [Alias("RevokeKey")]
    Task<bool> RevokeApiKeyAsync(string keyId);

    [Alias("PutUser")]
    Task PutUserAsync(DirectoryUser user);

    [Alias("PutWorkflow")]
    Task PutWorkflowAsync(DirectoryWorkflow workflow);

    [Alias("PutSettings")]
    Task<IReadOnlyList<FieldProblem>> PutSettingsAsync(TenantSettings settings);

    [Alias("Directory")]
    Task<TenantDirectorySnapshot> GetDirectoryAsync();
}
