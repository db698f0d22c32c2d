using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Contracts.Backfills;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Rules;
using SmartRules.Server.Auth;

namespace SmartRules.Server.Apis;

public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireAuthorization(AuthSchemes.Admin).WithTags("Admin");
        admin.MapPost("/tenants", CreateTenant)
            .Accepts<CreateTenantRequest>("application/json")
            .WithSummary("Create a tenant")
            .WithDescription("""Creates a tenant and answers its API key, once: only a hash is stored. Body: {"id":"acme","name":"Acme"}; ids are 1–64 of a–z, 0–9, '-'. An existing id answers 409.""");
        admin.MapGet("/stats", Stats)
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

    public static async Task<Results<Created<CreateTenantResponse>, ValidationProblem, ProblemHttpResult>> CreateTenant(HttpRequest request, IGrainFactory grains)
    {
        var (body, problem) = await ApiResults.ReadAsync<CreateTenantRequest>(request);
        if (problem is not null) return problem;
        var problems = new List<Contracts.FieldProblem>();
        if (!TenantIds.IsValid(body!.Id)) problems.Add(new("id", "must be 1–64 characters among a–z, 0–9 and '-'"));
        if (TextRules.NameProblem(body.Name, TextRules.MaxNameLength) is { } nameProblem) problems.Add(new("name", nameProblem));
        if (problems.Count > 0) return ApiResults.Invalid(problems);

        var key = ApiKeys.Create(body.Id!);
        if (!await grains.GetGrain<ITenantGrain>(TenantKey.Of(body.Id!)).CreateAsync(body.Name!, ApiKeys.Hash(key)))
        {
            return ApiResults.Conflict($"A tenant with the id '{body.Id}' already exists.");
        }

        return TypedResults.Created($"/admin/tenants/{body.Id}", new CreateTenantResponse(body.Id!, key));
    }
}
