using SmartRules.Contracts.Tenants;

namespace SmartRules.Grains.Tenants;

[GenerateSerializer, Alias("SmartRules.TenantState")]
public sealed class TenantState
{
    [Id(0)] public bool Exists { get; set; }

    [Id(1)] public string Name { get; set; } = "";

    /// <summary>SHA-256 hashes of the tenant's API keys (hex); the keys themselves are never stored.</summary>
    [Id(2)] public List<string> ApiKeyHashes { get; set; } = [];

    [Id(3)] public List<DirectoryUser> Users { get; set; } = [];

    [Id(4)] public List<DirectoryWorkflow> Workflows { get; set; } = [];

    [Id(5)] public TenantSettings Settings { get; set; } = new();

    /// <summary>Goes up with every change of the directory or settings.</summary>
    [Id(6)] public long Version { get; set; }
}
