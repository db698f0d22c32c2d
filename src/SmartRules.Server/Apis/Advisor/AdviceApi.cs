using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Contracts.Advisor;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Advisor;
using SmartRules.Grains.Tenants;
using SmartRules.Persistence.Customers;
using SmartRules.Server.Auth;

namespace SmartRules.Server.Apis.Advisor;

/// <summary>GET /api/rules/{id}/advice (computed fresh, and stored for rule responses) and GET /api/custom-fields.</summary>
public static class AdviceApi
{
    public static RouteGroupBuilder MapAdviceApi(this RouteGroupBuilder api)
    {
        api.MapGet("/rules/{id}/advice", GetAdvice).WithName("GetRuleAdvice").WithTags("Advisor").Produces<AdviceResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The pitfalls of a rule, computed now")
            .WithDescription("Codes: applyToExisting, noReverseRule, shadowed, caseVariants, listInValue, unknownCustomField, neverMatches, each with a message that says what to do. The ones that count customers are stored, and rule responses show them until the next computation (their message says when they were counted).");
        api.MapGet("/custom-fields", GetCustomFields).WithName("ListCustomFields").WithTags("Directory").Produces<CustomFieldResponse[]>()
            .WithSummary("The custom-field names the tenant's customers have, with how many customers have each");
        return api;
    }

    public static async Task<Results<Ok<AdviceResponse>, ProblemHttpResult>> GetAdvice(
        string id, ClaimsPrincipal user, IGrainFactory grains, TenantRuntimeCache tenants, CustomerAdvisor advisor, CancellationToken cancellationToken)
    {
        var tenantId = user.TenantId();
        var key = TenantKey.Of(tenantId);
        var snapshot = await grains.GetGrain<IRuleSetGrain>(key).GetSnapshotAsync();
        if (snapshot.Rules.FirstOrDefault(r => r.Id == id) is not { } rule) return ApiResults.NotFound($"There is no rule '{id}'.");
        var tenant = await tenants.GetAsync(tenantId);
        var counted = await advisor.ComputeAsync(tenantId, rule, tenant, cancellationToken);
        await grains.GetGrain<IRuleAdviceGrain>(key).StoreAsync(id, counted, [.. snapshot.Rules.Select(r => r.Id)]);
        var ruleOnly = new RuleAdvisor(snapshot.Rules, tenant.Directory).For(rule);
        return TypedResults.Ok(new AdviceResponse([.. ruleOnly.Concat(counted.Warnings).Select(RuleWarningResponse.From)]));
    }

    public static async Task<Ok<CustomFieldResponse[]>> GetCustomFields(ClaimsPrincipal user, SimulationQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok((await queries.CustomFieldsAsync(user.TenantId(), cancellationToken)).Select(f => new CustomFieldResponse(f.Name, f.Customers)).ToArray());
}

public sealed record AdviceResponse(IReadOnlyList<RuleWarningResponse> Warnings);

public sealed record CustomFieldResponse(string Name, long Customers);
