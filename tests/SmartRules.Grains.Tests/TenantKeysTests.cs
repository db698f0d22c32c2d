using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Tenants;
using SmartRules.Grains.Tests.Infrastructure;

namespace SmartRules.Grains.Tests;

/// <summary>Tenants stored before keys had ids keep their keys: each gets an id derived from its hash.</summary>
public sealed class TenantKeysTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Keys_stored_before_rotation_existed_keep_working_and_get_stable_ids()
    {
        var id = "legacy-" + Guid.NewGuid().ToString("N")[..8];
        var hashes = new[] { Hash(id + ".one"), Hash(id + ".two") };
        var tenant = fixture.Grains.GetGrain<ITenantGrain>(TenantKey.Of(id));
        var storage = fixture.OnEverySilo<IServiceProvider>().First().GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Tenants);
        var legacy = new TenantState { Exists = true, Name = "Legacy", ApiKeyHashes = [.. hashes], Version = 1 };
        await storage.WriteStateAsync("tenant", tenant.GetGrainId(), new GrainState<TenantState>(legacy));

        Assert.True(await tenant.HasApiKeyHashAsync(hashes[1]));
        var keys = await tenant.GetApiKeysAsync();
        Assert.Equal(hashes.Select(h => h[..12]).Order(StringComparer.Ordinal), keys!.Select(k => k.KeyId).Order(StringComparer.Ordinal));
        Assert.True(await tenant.RevokeApiKeyAsync(hashes[0][..12]));
        Assert.False(await tenant.HasApiKeyHashAsync(hashes[0]));
        Assert.True(await tenant.HasApiKeyHashAsync(hashes[1]));
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
