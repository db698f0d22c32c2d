using System.Text.Json.Serialization;

namespace SmartRules.Contracts.Tenants;

/// <summary>
/// One of a tenant's API keys as an admin sees it (API.md "Auth and tenants"): never the key, never its hash.
/// <see cref="LastUsedAt"/> is kept to the minute; <c>null</c> until the key is first used.
/// </summary>
[GenerateSerializer, Immutable, Alias("SmartRules.TenantApiKey")]
public sealed record TenantApiKey(
    [property: Id(0)] string KeyId,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastUsedAt);
