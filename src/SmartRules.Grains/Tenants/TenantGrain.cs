using SmartRules.Contracts;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Rules;

namespace SmartRules.Grains.Tenants;

/// <summary>A tenant: name, API key hashes, users, workflows and settings. Directory changes are pushed to every
/// silo's cache before they are acknowledged, like rule changes.</summary>
public sealed class TenantGrain(
    [PersistentState("tenant", GrainStorageNames.Tenants)] IPersistentState<TenantState> state,
    IGrainFactory grains) : Grain, ITenantGrain
{
    public async Task<bool> CreateAsync(string name, string apiKeyHash)
    {
        if (state.State.Exists) return false;
        state.State.Exists = true;
        state.State.Name = name;
        state.State.ApiKeyHashes = [apiKeyHash];
        await SaveAsync();
        return true;
    }

    public Task<bool> HasApiKeyHashAsync(string apiKeyHash) =>
        Task.FromResult(state.State.Exists && state.State.ApiKeyHashes.Contains(apiKeyHash, StringComparer.Ordinal));

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
