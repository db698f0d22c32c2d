using System.Text.RegularExpressions;

namespace SmartRules.Server.Auth;

public static partial class TenantIds
{
    /// <summary>Tenant ids are 1–64 of a–z, 0–9 and '-'.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
