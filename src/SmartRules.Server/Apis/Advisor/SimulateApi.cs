using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Contracts;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Rules;
using SmartRules.Grains.Advisor;
using SmartRules.Grains.Rules;
using SmartRules.Grains.Tenants;
using SmartRules.Server.Auth;

namespace SmartRules.Server.Apis.Advisor;

/// <summary>POST /api/rules/simulate: a saved or draft rule over the tenant's existing customers, writing nothing.</summary>
public static class SimulateApi
{
    public static RouteGroupBuilder MapSimulateApi(this RouteGroupBuilder api)
    {
        api.MapPost("/rules/simulate", Simulate).WithName("SimulateRule").WithTags("Advisor").Accepts<SimulateRequest>("application/json")
            .Produces<SimulationResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("What applying a rule to the existing customers would do, and what it will not reach without it")
            .WithDescription("""{"ruleId":"r1"} or {"rule":{<draft rule>}} → total, excluded, matchingConditions, beyondThreshold (threshold rules), wouldChange and a sample with before/after. Reads the customer table and runs the rules in memory; writes nothing.""");
        return api;
    }

    public static async Task<Results<Ok<SimulationResponse>, ValidationProblem, ProblemHttpResult>> Simulate(
        HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, TenantRuntimeCache tenants, Simulator simulator, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiResults.ReadAsync<SimulateRequest>(request);
        if (problem is not null) return problem;
        var tenantId = user.TenantId();
        var tenant = await tenants.GetAsync(tenantId);
        CompiledRule? rule;
        switch (body!)
        {
            case { RuleId: { } ruleId, Rule: null }:
                if (await grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenantId)).GetAsync(ruleId) is not { } record) return ApiResults.NotFound($"There is no rule '{ruleId}'.");
                var compilation = RuleCompiler.Compile(record.Id, record.Version, record.Definition.ToDomain(), tenant.Directory);
                if (compilation.Rule is null) return ApiResults.Invalid(compilation.Problems.Select(p => new FieldProblem("ruleId", $"the rule no longer compiles: {p.Path}: {p.Message}")));
                rule = compilation.Rule;
                break;
            case { RuleId: null, Rule: { } draft }:
                var problems = new List<FieldProblem>();
                if (draft.Active is not null) problems.Add(new("rule.active", "is not part of a draft"));
                rule = Explainer.CompileDraft(draft.ToDefinition(), 1, tenant.Directory, problems);
                if (problems.Count > 0 || rule is null) return ApiResults.Invalid(problems);
                break;
            default:
                return ApiResults.Invalid("", "give either \"ruleId\" (a saved rule) or \"rule\" (a draft), not both");
        }

        return TypedResults.Ok(SimulationResponse.From(await simulator.RuleAsync(tenantId, rule, tenant, cancellationToken)));
    }
}
