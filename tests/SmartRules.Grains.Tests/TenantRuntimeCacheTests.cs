using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Tenants;
using SmartRules.Grains.Tests.Infrastructure;
using static SmartRules.Grains.Tests.Infrastructure.RuleBuilders;

namespace SmartRules.Grains.Tests;

/// <summary>
/// The per-silo tenant cache on fake grains: a tenant is loaded once however many callers ask at once, refreshed once
/// per tenant past <see cref="TenantRuntimeCache.RefreshAfter"/> (not once per caller), and a push never leaves a
/// tenant half-known nor sends it back to an older version.
/// </summary>
public sealed class TenantRuntimeCacheTests
{
    private const string Tenant = "acme";
    private const int Callers = 200;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeTenantGrains _grains = new(RuleSet(1, "big"), Directory(1, "collections"));

    [Fact]
    public async Task Many_concurrent_first_calls_load_the_rules_and_the_directory_once()
    {
        var cache = NewCache();
        _grains.Hold();
        var calls = new Task<TenantRuntime>[Callers];
        Parallel.For(0, Callers, i => calls[i] = cache.GetAsync(Tenant).AsTask());
        _grains.Release();
        var runtimes = await Task.WhenAll(calls);

        Assert.Equal(1, _grains.RuleSetLoads);
        Assert.Equal(1, _grains.DirectoryLoads);
        Assert.All(runtimes, r => Assert.Same(runtimes[0], r));
        Assert.Equal("big", Assert.Single(runtimes[0].Rules.Rules).Id);
    }

    [Fact]
    public async Task Many_calls_past_the_refresh_mark_start_one_refresh_and_keep_what_was_compiled_when_nothing_changed()
    {
        var cache = NewCache();
        var loaded = await cache.GetAsync(Tenant);
        _time.Advance(cache.RefreshAfter + TimeSpan.FromSeconds(1));

        _grains.Hold();
        var calls = new Task<TenantRuntime>[Callers];
        Parallel.For(0, Callers, i => calls[i] = cache.GetAsync(Tenant).AsTask());
        Assert.All(calls, c => Assert.Same(loaded, Assert.IsType<TenantRuntime>(c.IsCompletedSuccessfully ? c.Result : null))); // answered at once
        _grains.Release();
        var refreshed = await RefreshedAsync(cache, r => !ReferenceEquals(r, loaded));

        Assert.Equal(2, _grains.RuleSetLoads);
        Assert.Equal(2, _grains.DirectoryLoads);
        Assert.Same(loaded.Rules, refreshed.Rules); // same versions: not compiled again
    }

    [Fact]
    public async Task A_failed_refresh_is_tried_again_after_the_refresh_period_not_on_every_call()
    {
        var cache = NewCache();
        var loaded = await cache.GetAsync(Tenant);
        _time.Advance(cache.RefreshAfter + TimeSpan.FromSeconds(1));
        _grains.Failure = new TimeoutException("the rule set grain is unreachable");

        for (var i = 0; i < 20; i++)
        {
            Assert.Same(loaded.Rules, (await cache.GetAsync(Tenant)).Rules);
            await Task.Yield();
        }

        Assert.Equal(2, _grains.RuleSetLoads);

        _grains.Failure = null;
        _grains.Rules = RuleSet(2, "bigger");
        _time.Advance(cache.RefreshAfter + TimeSpan.FromSeconds(1));
        var refreshed = await RefreshedAsync(cache, r => r.RuleSet.Version == 2);
        Assert.Equal("bigger", Assert.Single(refreshed.Rules.Rules).Id);
        Assert.Equal(3, _grains.RuleSetLoads);
    }

    [Fact]
    public async Task A_directory_pushed_to_a_silo_that_never_loaded_the_tenant_does_not_hide_its_rules()
    {
        var cache = NewCache();
        cache.Apply(Tenant, null, Directory(2, "collections", "legal"));

        var runtime = await cache.GetAsync(Tenant);

        Assert.Equal("big", Assert.Single(runtime.Rules.Rules).Id);
        Assert.Equal(2, runtime.DirectorySnapshot.Version);
    }

    [Fact]
    public async Task Rules_pushed_to_a_silo_that_never_loaded_the_tenant_compile_against_its_directory()
    {
        var cache = NewCache();
        cache.Apply(Tenant, RuleSet(2, "bigger"), null);

        var runtime = await cache.GetAsync(Tenant);

        Assert.Equal("bigger", Assert.Single(runtime.Rules.Rules).Id);
        Assert.True(runtime.Directory.HasWorkflow("collections"));
    }

    [Fact]
    public async Task A_push_that_lands_while_a_load_is_under_way_is_not_undone_by_the_older_load()
    {
        var cache = NewCache();
        _grains.Hold();
        var loading = cache.GetAsync(Tenant).AsTask();
        cache.Apply(Tenant, RuleSet(2, "bigger"), null);
        _grains.Release();

        Assert.Equal("bigger", Assert.Single((await loading).Rules.Rules).Id);
        Assert.Equal(2, (await cache.GetAsync(Tenant)).RuleSet.Version);
        Assert.Equal(1, _grains.RuleSetLoads);
    }

    private TenantRuntimeCache NewCache()
    {
        var services = new ServiceCollection().AddLogging().AddHybridCache().Services.BuildServiceProvider();
        return ActivatorUtilities.CreateInstance<TenantRuntimeCache>(services, _grains.Factory, (TimeProvider)_time);
    }

    /// <summary>Waits for the background refresh to bring what <paramref name="done"/> expects.</summary>
    private static async Task<TenantRuntime> RefreshedAsync(TenantRuntimeCache cache, Func<TenantRuntime, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var current = await cache.GetAsync(Tenant);
            if (done(current)) return current;
            Assert.True(DateTime.UtcNow < deadline, "the refresh did not happen");
            await Task.Delay(10);
        }
    }

    private static RuleSetSnapshot RuleSet(long version, string ruleId) =>
        new(version, [new RuleRecord(ruleId, (int)version, true, Rule(ruleId, OutstandingExceeds(5000), Workflow("collections")))]);

    private static TenantDirectorySnapshot Directory(long version, params string[] workflows) =>
        new(version, true, [new DirectoryUser("ann@acme.test", "Ann")], [.. workflows.Select(w => new DirectoryWorkflow(w, w))], new TenantSettings());
}
