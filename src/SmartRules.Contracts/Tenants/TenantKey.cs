namespace SmartRules.Contracts.Tenants;

/// <summary>
/// The key of a tenant's grains (TenantGrain, RuleSetGrain): "tenant/" and the tenant id. The prefix matters: the
/// stock ADO.NET storage reads a string key made only of hex digits as a number, so tenants "123" and "0123" would
/// share one stored state; with the prefix every key is stored as the string it is.
/// </summary>
public static class TenantKey
{
    private const string Prefix = "tenant/";

    public static string Of(string tenantId) => Prefix + tenantId;

    public static string TenantIdOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(Prefix, StringComparison.Ordinal) ? key[Prefix.Length..] : throw new ArgumentException($"'{key}' is not a tenant key.", nameof(key));
    }
}
