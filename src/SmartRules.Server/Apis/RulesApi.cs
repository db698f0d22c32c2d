using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Tenants;
using SmartRules.Server.Apis.Advisor;
using SmartRules.Server.Auth;

namespace SmartRules.Server.Apis;

/// <summary>Rules: Trigger &gt; optional conditions &gt; one action, in a tenant's ordered rule set.</summary>
public static class RulesApi
{
    private const string RuleExample = """
        {"name":"Big balances to collections",
         "trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},
         "conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],
         "action":{"type":"assignWorkflow","workflowId":"collections"},"active":true}
        """;

    public static RouteGroupBuilder MapRulesApi(this RouteGroupBuilder api)
    {
        api.MapPost("/rules", CreateRule).WithName("CreateRule").WithTags("Rules").Accepts<RuleRequest>("application/json").Produces<RuleResponse>(201)
            .WithSummary("Create a rule").WithDescription("Inactive unless \"active\": true. At most 1,000 rules per tenant. Every invalid field is reported. Example: " + RuleExample);
        api.MapGet("/rules", ListRules).WithName("ListRules").WithTags("Rules").Produces<RuleResponse[]>().WithSummary("List the rules in rule-set order");
        api.MapGet("/rules/{id}", GetRule).WithName("GetRule").WithTags("Rules").Produces<RuleResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Get a rule");
        api.MapPut("/rules/{id}", EditRule).WithName("EditRule").WithTags("Rules").Accepts<RuleRequest>("application/json").Produces<RuleResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Replace a rule's definition").WithDescription("The full body of POST without \"active\"; the version goes up by one and later changes use it at once.");
        api.MapDelete("/rules/{id}", DeleteRule).WithName("DeleteRule").WithTags("Rules").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Delete a rule");
        api.MapPost("/rules/{id}/activate", ActivateRule).WithName("ActivateRule").WithTags("Rules").Accepts<ActivateRequest>("application/json").Produces<RuleResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Activate a rule").WithDescription("""Optional body {"applyToExisting":true}: also run the rule, pinned at its current version, once over the existing customers it matches (threshold rules: those whose current value is beyond the threshold) → 202 {"backfillId"}; deactivating or deleting the rule cancels that backfill.""");
        api.MapPost("/rules/{id}/deactivate", DeactivateRule).WithName("DeactivateRule").WithTags("Rules").Produces<RuleResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Deactivate a rule");
        api.MapPut("/rule-order", Reorder).WithName("SetRuleOrder").WithTags("Rules").Accepts<string[]>("application/json")
            .WithSummary("Set the rule-set order").WithDescription("""["ruleId1","ruleId2",...]: a permutation of all the tenant's rules. The first matching rule wins a conflict.""");
        return api;
    }

    private static IRuleSetGrain Rules(IGrainFactory grains, ClaimsPrincipal user) => grains.GetGrain<IRuleSetGrain>(TenantKey.Of(user.TenantId()));

    public static async Task<Results<Created<RuleResponse>, ValidationProblem>> CreateRule(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, TenantRuntimeCache tenants)
    {
        var (body, problem) = await ApiResults.ReadAsync<RuleRequest>(request);
        if (problem is not null) return problem;
        var result = await Rules(grains, user).CreateAsync(body!.ToDefinition(), body.Active ?? false);
        return result.Status == RuleChangeStatus.Ok
            ? TypedResults.Created($"/api/rules/{result.Rule!.Id}", await RuleWarnings.ResponseAsync(grains, tenants, user.TenantId(), result.Rule))
            : ApiResults.Invalid(result.Problems);
    }

    public static async Task<Ok<RuleResponse[]>> ListRules(ClaimsPrincipal user, IGrainFactory grains, TenantRuntimeCache tenants)
    {
        var warnings = await RuleWarnings.LoadAsync(grains, tenants, user.TenantId());
        return TypedResults.Ok(warnings.Snapshot.Rules.Select(warnings.Response).ToArray());
    }

    public static async Task<Results<Ok<RuleResponse>, ProblemHttpResult>> GetRule(string id, ClaimsPrincipal user, IGrainFactory grains, TenantRuntimeCache tenants) =>
        await Rules(grains, user).GetAsync(id) is { } rule
            ? TypedResults.Ok(await RuleWarnings.ResponseAsync(grains, tenants, user.TenantId(), rule))
            : ApiResults.NotFound($"There is no rule '{id}'.");

    public static async Task<Results<Ok<RuleResponse>, ValidationProblem, ProblemHttpResult>> EditRule(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, TenantRuntimeCache tenants)
    {
        var (body, problem) = await ApiResults.ReadAsync<RuleRequest>(request);
        if (problem is not null) return problem;
        if (body!.Active is not null) return ApiResults.Invalid("active", "is not part of an edit; use POST /api/rules/{id}/activate or /deactivate");
        return await AnswerAsync(await Rules(grains, user).EditAsync(id, body.ToDefinition()), id, grains, tenants, user);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteRule(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        await Rules(grains, user).DeleteAsync(id) ? TypedResults.NoContent() : ApiResults.NotFound($"There is no rule '{id}'.");

    public static async Task<Results<Ok<RuleResponse>, Accepted<BackfillStarted>, ValidationProblem, ProblemHttpResult>> ActivateRule(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, TenantRuntimeCache tenants)
    {
        var applyToExisting = false;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (body, problem) = await ApiResults.ReadAsync<ActivateRequest>(request);
            if (problem is not null) return problem;
            applyToExisting = body!.ApplyToExisting == true;
        }

        var result = await Rules(grains, user).SetActiveAsync(id, true);
        if (result.Status != RuleChangeStatus.Ok || !applyToExisting)
        {
            return result.Status switch
            {
                RuleChangeStatus.NotFound => ApiResults.NotFound($"There is no rule '{id}'."),
                RuleChangeStatus.Invalid => ApiResults.Invalid(result.Problems),
                _ => TypedResults.Ok(await RuleWarnings.ResponseAsync(grains, tenants, user.TenantId(), result.Rule!)),
            };
        }

        var backfillId = await BackfillsApi.StartAsync(grains, user.TenantId(), new Contracts.Backfills.BackfillRequest(Contracts.Backfills.BackfillKind.Rule, RuleId: id));
        return TypedResults.Accepted($"/api/backfills/{backfillId}", new BackfillStarted(backfillId));
    }

    public static async Task<Results<Ok<RuleResponse>, ValidationProblem, ProblemHttpResult>> DeactivateRule(string id, ClaimsPrincipal user, IGrainFactory grains, TenantRuntimeCache tenants) =>
        await AnswerAsync(await Rules(grains, user).SetActiveAsync(id, false), id, grains, tenants, user);

    public static async Task<Results<Ok<string[]>, ValidationProblem>> Reorder(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (ids, problem) = await ApiResults.ReadAsync<string[]>(request);
        if (problem is not null) return problem;
        var problems = await Rules(grains, user).ReorderAsync(ids!);
        return problems.Count > 0 ? ApiResults.Invalid(problems) : TypedResults.Ok(ids!);
    }

    private static async Task<Results<Ok<RuleResponse>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
        RuleChangeResult result, string id, IGrainFactory grains, TenantRuntimeCache tenants, ClaimsPrincipal user) => result.Status switch
    {
        RuleChangeStatus.NotFound => ApiResults.NotFound($"There is no rule '{id}'."),
        RuleChangeStatus.Invalid => ApiResults.Invalid(result.Problems),
        _ => TypedResults.Ok(await RuleWarnings.ResponseAsync(grains, tenants, user.TenantId(), result.Rule!)),
    };
}
