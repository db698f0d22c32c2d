using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SmartRules.Contracts;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Rules;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Tenants;

/// <summary>A tenant: name, API keys (hashes), users, workflows and settings. Directory changes are pushed to every
/// silo's cache before they are acknowledged, like rule changes, and so are key revocations.</summary>
public sealed partial class TenantGrain(
    [PersistentState("tenant", GrainStorageNames.Tenants)] IPersistentState<TenantState> state,
    IGrainFactory grains,
    ICustomerDatabases customerDatabases,
    TimeProvider time,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Keys stored before they had ids get one now: derived from the hash, so every silo and every retry agrees.
        if (state.State.ApiKeyHashes.Count > 0)
        {
            var now = time.GetUtcNow();
            foreach (var hash in state.State.ApiKeyHashes.Where(h => !state.State.ApiKeys.Any(k => k.Hash == h)))
            {
                state.State.ApiKeys.Add(new StoredApiKey { KeyId = hash[..12], Hash = hash, CreatedAt = now });
            }

            state.State.ApiKeyHashes = [];
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<TenantApiKey?> CreateAsync(string name, string apiKeyHash, string? shard = null)
    {
        if (state.State.Exists) return null;
        // The shard is recorded first, while nothing of the tenant exists anywhere: if saving the tenant fails, a retry
        // places it again and nothing has to move. A tenant that exists never gets here, so it never moves.
        await customerDatabases.PlaceAsync(TenantKey.TenantIdOf(this.GetPrimaryKeyString()), shard);
        state.State.Exists = true;
        state.State.Name = name;
        var key = NewKey(apiKeyHash);
        state.State.ApiKeys = [key];
        await SaveAsync();
        return key.ToContract();
    }

    public async Task<bool> HasApiKeyHashAsync(string apiKeyHash)
    {
        if (!state.State.Exists) return false;
        var key = state.State.ApiKeys.Find(k => k.RevokedAt is null && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(k.Hash), Convert.FromHexString(apiKeyHash)));
        if (key is null) return false;

        // Silos ask at most once a minute per key (ApiKeyCache), so this writes at most that often; to the minute is the promise.
        var now = time.GetUtcNow();
        if (key.LastUsedAt is not { } last || now - last >= TimeSpan.FromMinutes(1))
        {
            key.LastUsedAt = now;
            try
            {
                await state.WriteOrDeactivateAsync(this);
            }
            catch (Exception e)
            {
                // Only the usage time is lost; the key is valid, so the request goes on.
                LogLastUsedNotSaved(logger, e, key.KeyId);
            }
        }

        return true;
    }

    public async Task<TenantApiKey?> AddApiKeyAsync(string apiKeyHash)
    {
        if (!state.State.Exists) return null;
        var key = NewKey(apiKeyHash);
        state.State.ApiKeys.Add(key);
        await state.WriteOrDeactivateAsync(this);
        return key.ToContract();
    }

    public Task<IReadOnlyList<TenantApiKey>?> GetApiKeysAsync() =>
        Task.FromResult<IReadOnlyList<TenantApiKey>?>(state.State.Exists
            ? state.State.ApiKeys.Where(k => k.RevokedAt is null).OrderBy(k => k.CreatedAt).Select(k => k.ToContract()).ToList()
            : null);

    public async Task<bool> RevokeApiKeyAsync(string keyId)
    {
        var key = state.State.Exists ? state.State.ApiKeys.Find(k => k.KeyId == keyId) : null;
        if (key is null) return false;
        if (key.RevokedAt is null)
        {
            key.RevokedAt = time.GetUtcNow();
            await state.WriteOrDeactivateAsync(this);
        }

        string[] hashes = [key.Hash];
        await CachePublisher.PublishAsync(grains, cache => cache.KeysRevokedAsync(TenantKey.TenantIdOf(this.GetPrimaryKeyString()), hashes));
        return true;
    }

    private StoredApiKey NewKey(string hash) =>
        new() { KeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), Hash = hash, CreatedAt = time.GetUtcNow() };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The last use of API key {KeyId} could not be saved")]
    private static partial void LogLastUsedNotSaved(ILogger logger, Exception exception, string keyId);

    public async Task PutUserAsync(DirectoryUser user)
    {
        var users = state.State.Users;
        var index = users.FindIndex(u => string.Equals(u.Email, user.Email, StringComparison.OrdinalIgnoreCase));
        if (index >= 0 && users[index] == user) return;
        if (index >= 0) users[index] = user;
        else users.Add(user);
        await SaveAsync();
    }

    public async Task PutWorkflowAsync(DirectoryWorkflow workflow)
    {
        var workflows = state.State.Workflows;
        var index = workflows.FindIndex(w => w.Id == workflow.Id);
        if (index >= 0 && workflows[index] == workflow) return;
        if (index >= 0) workflows[index] = workflow;
        else workflows.Add(workflow);
        await SaveAsync();
    }

    public async Task<IReadOnlyList<FieldProblem>> PutSettingsAsync(TenantSettings settings)
    {
        var problems = new List<FieldProblem>();
        if (settings.RatingSource is not ("provided" or "derivedFromDelay"))
        {
            problems.Add(new("ratingSource", $"unknown rating source '{settings.RatingSource}'; allowed: 'provided', 'derivedFromDelay'"));
        }

        if (settings.WebhookUrl is { } url && (TextRules.HasControlCharacters(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            problems.Add(new("webhookUrl", "must be an absolute http or https URL (without control characters)"));
        }

        if (TextRules.StorableProblem(settings.WebhookSecret) is { } secretProblem) problems.Add(new("webhookSecret", secretProblem));

        if (problems.Count > 0) return problems;
        state.State.Settings = settings;
        await SaveAsync();
        return [];
    }

    public Task<TenantDirectorySnapshot> GetDirectoryAsync() => Task.FromResult(Snapshot());

    private TenantDirectorySnapshot Snapshot() => state.State.Exists
        ? new(state.State.Version, true, state.State.Users.ToArray(), state.State.Workflows.ToArray(), state.State.Settings)
        : TenantDirectorySnapshot.Missing with { Version = state.State.Version };

    private async Task SaveAsync()
    {
        state.State.Version++;
        await state.WriteOrDeactivateAsync(this);
        var snapshot = Snapshot();
        await CachePublisher.PublishAsync(grains, cache => cache.DirectoryChangedAsync(TenantKey.TenantIdOf(this.GetPrimaryKeyString()), snapshot));
    }
}
