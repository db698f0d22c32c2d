using SmartRules.Contracts.Tenants;

namespace SmartRules.Grains.Tenants;

[GenerateSerializer, Alias("SmartRules.TenantState")]
public sealed class TenantState
{
    [Id(0)] public bool Exists { get; set; }

    [Id(1)] public string Name { get; set; } = "";

    /// <summary>
    /// SHA-256 hashes of the API keys of a tenant stored before keys had ids; moved into <see cref="ApiKeys"/> when the
    /// tenant is next activated.
    /// </summary>
    [Id(2)] public List<string> ApiKeyHashes { get; set; } = [];

    [Id(3)] public List<DirectoryUser> Users { get; set; } = [];

    [Id(4)] public List<DirectoryWorkflow> Workflows { get; set; } = [];

    [Id(5)] public TenantSettings Settings { get; set; } = new();

    /// <summary>Goes up with every change of the directory or settings.</summary>
    [Id(6)] public long Version { get; set; }

    /// <summary>The tenant's API keys, revoked ones included (so that a repeated revocation is answered alike).</summary>
    [Id(7)] public List<StoredApiKey> ApiKeys { get; set; } = [];
}

/// <summary>An API key as stored: its id, the SHA-256 of the key (hex; the key itself is never stored), and its times.</summary>
[GenerateSerializer, Alias("SmartRules.StoredApiKey")]
public sealed class StoredApiKey
{
    [Id(0)] public string KeyId { get; set; } = "";

    [Id(1)] public string Hash { get; set; } = "";

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public DateTimeOffset? LastUsedAt { get; set; }

    [Id(4)] public DateTimeOffset? RevokedAt { get; set; }

    public TenantApiKey ToContract() => new(KeyId, CreatedAt, LastUsedAt);
}
