using SmartRules.Grains.Customers;

namespace SmartRules.Grains.Tests;

/// <summary>The notification id of a firing (its idempotency key): stable for the same firing, distinct otherwise.</summary>
public sealed class FiringKeyTests
{
    [Fact]
    public void The_same_firing_always_has_the_same_key()
    {
        Assert.Equal(CustomerGrain.FiringKey("t1", "c1", 7, "r1", 0), CustomerGrain.FiringKey("t1", "c1", 7, "r1", 0));
    }

    [Theory]
    [InlineData("t2", "c1", 7L, "r1", 0)]
    [InlineData("t1", "c2", 7L, "r1", 0)]
    [InlineData("t1", "c1", 8L, "r1", 0)]
    [InlineData("t1", "c1", 7L, "r2", 0)]
    [InlineData("t1", "c1", 7L, "r1", 1)]
    [InlineData("t1", "c17", 7L, "r1", 0)] // the parts cannot run into each other:
    [InlineData("t1c", "1", 7L, "r1", 0)]
    [InlineData("t1", "c1", 7L, "1r1", 0)]
    public void Another_tenant_customer_version_rule_or_place_has_another_key(string tenant, string customer, long version, string rule, int index)
    {
        Assert.NotEqual(CustomerGrain.FiringKey("t1", "c1", 7, "r1", 0), CustomerGrain.FiringKey(tenant, customer, version, rule, index));
    }

    [Fact]
    public void Long_and_non_ascii_ids_have_keys_too()
    {
        var longId = new string('é', 2_000);
        var key = CustomerGrain.FiringKey("t1", longId, long.MaxValue, longId, int.MaxValue);
        Assert.Equal(key, CustomerGrain.FiringKey("t1", longId, long.MaxValue, longId, int.MaxValue));
        Assert.NotEqual(key, CustomerGrain.FiringKey("t1", longId + "x", long.MaxValue, longId, int.MaxValue));
        Assert.NotEqual(Guid.Empty, key);
    }
}
