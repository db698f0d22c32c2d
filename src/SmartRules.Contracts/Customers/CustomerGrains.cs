namespace SmartRules.Contracts.Customers;

/// <summary>
/// References to customer grains for the hot paths (every NDJSON line, every backfilled customer). Orleans'
/// <c>GetGrain&lt;T&gt;(string)</c> resolves the interface's grain type from its attributes on every call, which
/// profiling showed at a few percent of a loaded silo's CPU; the grain type and interface type of customer grains are
/// fixed, so they are resolved once and each reference is made straight from its <see cref="GrainId"/>.
/// </summary>
public static class CustomerGrains
{
    private static (GrainType Grain, GrainInterfaceType Interface)? s_types;

    public static ICustomerGrain GetCustomer(this IGrainFactory grains, string tenantId, string customerId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var key = CustomerKey.Format(tenantId, customerId);
        if (s_types is { } types) return (ICustomerGrain)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);

        var grain = grains.GetGrain<ICustomerGrain>(key);
        var reference = (GrainReference)grain;
        s_types = (reference.GrainId.Type, reference.InterfaceType);
        return grain;
    }
}
