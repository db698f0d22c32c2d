using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace SmartRules.Domain.Tenants;

/// <summary>An immutable directory snapshot: lookups without allocation, safe to share between threads.</summary>
public sealed class TenantDirectory : ITenantDirectory
{
    public static readonly TenantDirectory Empty = new([], []);

    private readonly FrozenDictionary<string, string> _users;
    private readonly FrozenSet<string> _workflows;

    public TenantDirectory(IEnumerable<string> userEmails, IEnumerable<string> workflowIds)
    {
        ArgumentNullException.ThrowIfNull(userEmails);
        ArgumentNullException.ThrowIfNull(workflowIds);
        var users = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var email in userEmails) users.TryAdd(email, email);
        _users = users.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _workflows = workflowIds.ToFrozenSet(StringComparer.Ordinal);
    }

    public IEnumerable<string> Users => _users.Values;

    public IEnumerable<string> Workflows => _workflows;

    public bool TryResolveUser(string email, [NotNullWhen(true)] out string? canonicalEmail) =>
        _users.TryGetValue(email, out canonicalEmail);

    public bool HasWorkflow(string workflowId) => _workflows.Contains(workflowId);
}
