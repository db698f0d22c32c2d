namespace SmartRules.Grains.Tenants;

/// <summary>
/// Pushes a tenant change to the cache of every active silo and returns once each has applied it. This is what lets
/// RuleSetGrain and TenantGrain promise that an update starting after a change was acknowledged sees the change.
/// A silo that cannot be reached makes the call fail (the change itself is already durable); the caches also
/// refresh themselves after <see cref="TenantRuntimeCache.RefreshAfter"/> as a safety net.
/// </summary>
internal static class CachePublisher
{
    public static async Task PublishAsync(IGrainFactory grains, Func<ISiloCacheGrain, Task> apply)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        await Task.WhenAll(hosts.Keys.Select(silo => apply(grains.GetGrain<ISiloCacheGrain>(silo.ToParsableString()))));
    }
}
