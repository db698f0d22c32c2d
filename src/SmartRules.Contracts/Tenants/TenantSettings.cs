namespace SmartRules.Contracts.Tenants;

/// <summary>Per-tenant settings (API.md "PUT /api/settings"). <see cref="RatingSource"/>: provided | derivedFromDelay.</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.TenantSettings")]
public sealed record TenantSettings(
    [property: Id(0)] string RatingSource = "provided",
    [property: Id(1)] string? WebhookUrl = null,
    [property: Id(2)] string? WebhookSecret = null);

[GenerateSerializer, Immutable, Alias("SmartRules.DirectoryUser")]
public sealed record DirectoryUser([property: Id(0)] string Email, [property: Id(1)] string Name);

[GenerateSerializer, Immutable, Alias("SmartRules.DirectoryWorkflow")]
public sealed record DirectoryWorkflow([property: Id(0)] string Id, [property: Id(1)] string Name);

/// <summary>What rules need of a tenant at one version: users, workflows, settings.</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.TenantDirectorySnapshot")]
public sealed record TenantDirectorySnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] bool Exists,
    [property: Id(2)] IReadOnlyList<DirectoryUser> Users,
    [property: Id(3)] IReadOnlyList<DirectoryWorkflow> Workflows,
    [property: Id(4)] TenantSettings Settings)
{
    public static TenantDirectorySnapshot Missing { get; } = new(0, false, [], [], new TenantSettings());
}
