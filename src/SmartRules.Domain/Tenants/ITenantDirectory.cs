using System.Diagnostics.CodeAnalysis;

namespace SmartRules.Domain.Tenants;

/// <summary>
/// What the rules need of a tenant's directory: its users (by e-mail, compared case-insensitively) and its
/// workflows (by id, exact). Consulted when a rule is saved and again when it fires, since the directory can
/// change in between.
/// </summary>
public interface ITenantDirectory
{
    /// <summary>Finds a user by e-mail in any letter case and gives the spelling the directory holds.</summary>
    bool TryResolveUser(string email, [NotNullWhen(true)] out string? canonicalEmail);

    bool HasWorkflow(string workflowId);
}
