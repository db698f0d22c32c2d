namespace SmartRules.Contracts.Customers;

/// <summary>
/// The key of a customer grain joins the tenant id and the customer id with '/'. Tenant ids are <c>[a-z0-9-]</c>, so
/// the first '/' always ends the tenant and two tenants can never collide, whatever their customers' ids contain.
/// </summary>
public static class CustomerKey
{
    public static string Format(string tenantId, string customerId) => tenantId + "/" + customerId;

    public static (string TenantId, string CustomerId) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1) throw new ArgumentException($"'{key}' is not a customer key (tenant/customer).", nameof(key));
        return (key[..slash], key[(slash + 1)..]);
    }
}
