using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Contracts.Backfills;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Rules;
using SmartRules.Persistence.Customers;
using SmartRules.Server.Auth;

namespace SmartRules.Server.Apis;

public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireAuthorization(AuthSchemes.Admin).WithTags("Admin").ProducesProblem(StatusCodes.Status401Unauthorized);
        admin.MapPost("/tenants", CreateTenant).WithName("CreateTenant")
            .Accepts<CreateTenantRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Create a tenant")
            .WithDescription("""Creates a tenant and answers its API key, once: only a hash is stored. Body: {"id":"acme","name":"Acme","shard":"SmartRulesShard2"}; ids are 1–64 of a–z, 0–9, '-'. "shard" (optional) is the customer shard that holds the tenant's customers, audit and notifications: "SmartRules" (the cluster database) or a name of SmartRules:CustomerShards; without it, the reachable shard holding the fewest customers. An existing id answers 409 and moves nothing.""");
        admin.MapPost("/tenants/{id}/keys", AddKey).WithName("AddApiKey").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Add an API key to a tenant")
            .WithDescription("Key rotation: a new key for the tenant, shown once (only a hash is stored); the tenant's other keys keep working until they are revoked.");
        admin.MapGet("/tenants/{id}/keys", ListKeys).WithName("ListApiKeys").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A tenant's API keys")
            .WithDescription("The keys not revoked, oldest first: their ids, when each was made and when it was last used (to the minute; null if never). Never the keys.");
        admin.MapDelete("/tenants/{id}/keys/{keyId}", RevokeKey).WithName("RevokeApiKey").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Revoke an API key")
            .WithDescription("Once this has answered, the key gets 401 on every silo (a request already running finishes). Revoking the last key is allowed; a key already revoked answers 204 again.");
        admin.MapGet("/stats", Stats).WithName("GetSiloStats")
            .WithSummary("This silo's activity")
            .WithDescription("Updates applied by this silo's customer grains since it started, the customer grains active on it (the AppHost's status table reads this), the backfills whose coordinator runs on it (\"<tenant>/<backfill id>\"), its resident memory, the managed heap in use after the last collection, and the number of full (gen 2) collections so far.");
        return admin;
    }

    private static readonly string CoordinatorType = Orleans.Serialization.TypeSystem.RuntimeTypeNameFormatter.Format(typeof(Grains.Backfills.BackfillCoordinatorGrain));

    public static async Task<Ok<SiloStats>> Stats(IGrainFactory grains, ILocalSiloDetails silo)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics([silo.SiloAddress]);
        var customers = statistics.Where(s => s.GrainType.Contains("CustomerGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        var coordinators = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics([CoordinatorType], [silo.SiloAddress]);
        var backfills = coordinators.Select(c => BackfillKey.Parse(c.GrainId.Key.ToString()!)).Select(k => $"{k.TenantId}/{k.BackfillId}").Order(StringComparer.Ordinal).ToList();
        var gc = GC.GetGCMemoryInfo();
        return TypedResults.Ok(new SiloStats(
            silo.SiloAddress.ToString(), Grains.Telemetry.SmartRulesMetrics.UpdatesApplied, customers, backfills,
            Environment.WorkingSet, gc.HeapSizeBytes - gc.FragmentedBytes, GC.CollectionCount(2)));
    }

    public static async Task<Results<Created<CreateTenantResponse>, ValidationProblem, ProblemHttpResult>> CreateTenant(HttpRequest request, IGrainFactory grains, ICustomerDatabases databases)
    {
        var (body, problem) = await ApiResults.ReadAsync<CreateTenantRequest>(request);
        if (problem is not null) return problem;
        var problems = new List<Contracts.FieldProblem>();
        if (!TenantIds.IsValid(body!.Id)) problems.Add(new("id", "must be 1–64 characters among a–z, 0–9 and '-'"));
        if (TextRules.NameProblem(body.Name, TextRules.MaxNameLength) is { } nameProblem) problems.Add(new("name", nameProblem));
        if (body.Shard is { } shard && !databases.All.Any(d => d.Name == shard))
        {
            problems.Add(new("shard", $"must be one of the configured customer shards: {string.Join(", ", databases.All.Select(d => d.Name))}"));
        }

        if (problems.Count > 0) return ApiResults.Invalid(problems);

        var key = ApiKeys.Create(body.Id!);
        if (await grains.GetGrain<ITenantGrain>(TenantKey.Of(body.Id!)).CreateAsync(body.Name!, ApiKeys.Hash(key), body.Shard) is not { } created)
        {
            return ApiResults.Conflict($"A tenant with the id '{body.Id}' already exists.");
        }

        return TypedResults.Created($"/admin/tenants/{body.Id}", new CreateTenantResponse(body.Id!, key, created.KeyId));
    }

    public static async Task<Results<Created<NewApiKeyResponse>, ProblemHttpResult>> AddKey(string id, IGrainFactory grains)
    {
        if (!TenantIds.IsValid(id)) return UnknownTenant(id);
        var key = ApiKeys.Create(id);
        return await grains.GetGrain<ITenantGrain>(TenantKey.Of(id)).AddApiKeyAsync(ApiKeys.Hash(key)) is { } added
            ? TypedResults.Created($"/admin/tenants/{id}/keys/{added.KeyId}", new NewApiKeyResponse(added.KeyId, key))
            : UnknownTenant(id);
    }

    public static async Task<Results<Ok<IReadOnlyList<TenantApiKey>>, ProblemHttpResult>> ListKeys(string id, IGrainFactory grains)
    {
        if (!TenantIds.IsValid(id)) return UnknownTenant(id);
        return await grains.GetGrain<ITenantGrain>(TenantKey.Of(id)).GetApiKeysAsync() is { } keys ? TypedResults.Ok(keys) : UnknownTenant(id);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, string keyId, IGrainFactory grains)
    {
        if (!TenantIds.IsValid(id)) return UnknownTenant(id);
        return await grains.GetGrain<ITenantGrain>(TenantKey.Of(id)).RevokeApiKeyAsync(keyId)
            ? TypedResults.NoContent()
            : ApiResults.NotFound($"Tenant '{id}' has no API key '{keyId}'.");
    }

    private static ProblemHttpResult UnknownTenant(string id) => ApiResults.NotFound($"There is no tenant '{id}'.");
}
