using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SmartRules.Server.Auth;

/// <summary>
/// Tenant API keys: "<tenant id>.<43 random URL-safe characters>". The tenant id in front tells which tenant to
/// ask; only the SHA-256 of the whole key is stored, so a leaked database does not leak keys.
/// </summary>
public static class ApiKeys
{
    public static string Create(string tenantId) =>
        tenantId + "." + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string? TenantOf(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && TenantIds.IsValid(key[..dot]) ? key[..dot] : null;
    }
}
