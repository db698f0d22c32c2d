using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Contracts;
using SmartRules.Contracts.Backfills;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Rules;
using SmartRules.Grains.Rules;
using SmartRules.Grains.Tenants;
using SmartRules.Server.Auth;
using SmartRules.Server.Json;

namespace SmartRules.Server.Apis;

public sealed record BulkActionBody(string? Type, string? WorkflowId, IReadOnlyList<string>? Add, IReadOnlyList<string>? Remove);

public sealed record BackfillBody(
    string? Kind,
    IReadOnlyList<ConditionDto>? Conditions,
    BulkActionBody? Action,
    [property: System.ComponentModel.Description("true: change nothing and answer 200 with what it would do (matched, wouldChange, sample).")] bool? DryRun = null);

public sealed record BackfillStarted(string BackfillId);

public sealed record BackfillResponse(
    string Id,
    [property: JsonConverter(typeof(JsonStringEnumConverter<BackfillStatus>))] BackfillStatus Status,
    long Total,
    long Processed,
    long Matched,
    long Applied,
    string? Error)
{
    public static BackfillResponse From(BackfillProgress p) => new(p.BackfillId, p.Status, p.Total, p.Processed, p.Matched, p.Applied, p.Error);
}

/// <summary>Backfills ("apply to existing customers") and bulk actions, run by a coordinator grain per backfill.</summary>
public static class BackfillsApi
{
    public static RouteGroupBuilder MapBackfillsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/backfills", Start).WithName("StartBackfill").WithTags("Backfills").Accepts<BackfillBody>("application/json").Produces<BackfillStarted>(202)
            .Produces<Advisor.BackfillDryRunResponse>(200)
            .WithSummary("Start a backfill or a bulk action")
            .WithDescription("""
                {"kind":"allActiveRules"}: every active rule once over the existing customers (one round, first rule wins, then the
                usual cascade). {"kind":"bulkAction","conditions":[...],"action":{"type":"assignWorkflow","workflowId":"x"}} or
                {"kind":"bulkAction","conditions":[...],"action":{"type":"setUsers","add":["a@x"],"remove":["b@x"]}}: a manual
                change of the customers the conditions select (preview them with POST /api/customers/count). → 202 {"backfillId"}.
                With "dryRun": true nothing changes and the answer is 200 {"matched","wouldChange","sample":[{"id","before","after"}]}.
                """);
        api.MapGet("/backfills/{id}", Get).WithName("GetBackfill").WithTags("Backfills").Produces<BackfillResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A backfill's progress").WithDescription("status running|completed|cancelled|failed; total, processed, matched, applied.");
        api.MapPost("/backfills/{id}/cancel", Cancel).WithName("CancelBackfill").WithTags("Backfills").Produces<BackfillResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Cancel a backfill").WithDescription("Stops at the next page; 409 once it has finished.");
        return api;
    }

    public static async Task<Results<Accepted<BackfillStarted>, Ok<Advisor.BackfillDryRunResponse>, ValidationProblem>> Start(
        HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, TenantRuntimeCache tenants, Grains.Advisor.Simulator simulator, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiResults.ReadAsync<BackfillBody>(request);
        if (problem is not null) return problem;
        var tenantId = user.TenantId();
        var problems = new List<FieldProblem>();
        BackfillRequest? backfill = null;
        switch (body!.Kind)
        {
            case "allActiveRules":
                if (body.Conditions is not null) problems.Add(new("conditions", "is not allowed for allActiveRules (the rules' own conditions apply)"));
                if (body.Action is not null) problems.Add(new("action", "is not allowed for allActiveRules"));
                backfill = new BackfillRequest(BackfillKind.AllActiveRules);
                break;
            case "bulkAction":
                backfill = await BulkAsync(tenantId, body, tenants, problems);
                break;
            default:
                problems.Add(new("kind", body.Kind is null ? "is required: 'allActiveRules' or 'bulkAction'" : $"unknown kind '{body.Kind}'; allowed: 'allActiveRules', 'bulkAction'"));
                break;
        }

        if (problems.Count > 0 || backfill is null) return ApiResults.Invalid(problems);
        if (body.DryRun == true) return TypedResults.Ok(Advisor.BackfillDryRunResponse.From(await DryRunAsync(tenantId, backfill, tenants, simulator, cancellationToken)));
        return TypedResults.Accepted((string?)null, new BackfillStarted(await StartAsync(grains, tenantId, backfill)));
    }

    internal static async Task<string> StartAsync(IGrainFactory grains, string tenantId, BackfillRequest request)
    {
        var id = "b-" + Guid.NewGuid().ToString("N")[..12];
        await grains.GetGrain<IBackfillCoordinatorGrain>(BackfillKey.Format(tenantId, id)).StartAsync(request);
        return id;
    }

    /// <summary>What the backfill would do, read from the customer table and run in memory (<see cref="Grains.Advisor.Simulator"/>).</summary>
    private static async Task<Grains.Advisor.Simulation> DryRunAsync(
        string tenantId, BackfillRequest backfill, TenantRuntimeCache tenants, Grains.Advisor.Simulator simulator, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId);
        if (backfill.Kind == BackfillKind.AllActiveRules) return await simulator.AllActiveRulesAsync(tenantId, tenant, cancellationToken);
        var filter = backfill.Conditions.Compile(tenant.Directory).Conditions ?? [];
        return await simulator.BulkActionAsync(tenantId, backfill, filter, tenant, cancellationToken);
    }

    private static async Task<BackfillRequest?> BulkAsync(string tenantId, BackfillBody body, TenantRuntimeCache tenants, List<FieldProblem> problems)
    {
        var directory = (await tenants.GetAsync(tenantId)).Directory;
        var action = body.Action;
        BackfillRequest? request = null;
        switch (action?.Type)
        {
            case "assignWorkflow":
                if (string.IsNullOrEmpty(action.WorkflowId)) problems.Add(new("action.workflowId", "is required"));
                else if (!directory.HasWorkflow(action.WorkflowId)) problems.Add(new("action.workflowId", $"unknown workflow '{action.WorkflowId}'"));
                if (action.Add is not null || action.Remove is not null) problems.Add(new("action", "add/remove belong to a setUsers action"));
                request = new BackfillRequest(BackfillKind.BulkAction, Conditions: body.Conditions, WorkflowId: action.WorkflowId);
                break;
            case "setUsers":
                var add = action.Add ?? [];
                var remove = action.Remove ?? [];
                if (add.Count == 0 && remove.Count == 0) problems.Add(new("action", "name users to 'add' and/or 'remove'; the others are left as they are"));
                if (action.WorkflowId is not null) problems.Add(new("action.workflowId", "belongs to an assignWorkflow action"));
                for (var i = 0; i < add.Count; i++)
                {
                    if (!directory.TryResolveUser(add[i], out _)) problems.Add(new($"action.add[{i}]", $"unknown user '{add[i]}'"));
                    if (remove.Contains(add[i], StringComparer.OrdinalIgnoreCase)) problems.Add(new($"action.add[{i}]", $"'{add[i]}' is both added and removed"));
                }

                for (var i = 0; i < remove.Count; i++)
                {
                    if (!directory.TryResolveUser(remove[i], out _)) problems.Add(new($"action.remove[{i}]", $"unknown user '{remove[i]}'"));
                }

                request = new BackfillRequest(BackfillKind.BulkAction, Conditions: body.Conditions, AddUsers: add, RemoveUsers: remove);
                break;
            default:
                problems.Add(new("action.type", action?.Type is null ? "is required: 'assignWorkflow' or 'setUsers'" : $"unknown bulk action '{action.Type}'; allowed: 'assignWorkflow', 'setUsers'"));
                break;
        }

        problems.AddRange(body.Conditions.Compile(directory).Problems);
        return request;
    }

    public static async Task<Results<Ok<BackfillResponse>, ValidationProblem, ProblemHttpResult>> Get(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (CustomerBodyReader.IdProblem(id) is { } idProblem) return ApiResults.Invalid("id", idProblem);
        return await grains.GetGrain<IBackfillCoordinatorGrain>(BackfillKey.Format(user.TenantId(), id)).GetProgressAsync() is { } progress
            ? TypedResults.Ok(BackfillResponse.From(progress))
            : ApiResults.NotFound($"There is no backfill '{id}'.");
    }

    public static async Task<Results<Ok<BackfillResponse>, ValidationProblem, ProblemHttpResult>> Cancel(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (CustomerBodyReader.IdProblem(id) is { } idProblem) return ApiResults.Invalid("id", idProblem);
        var coordinator = grains.GetGrain<IBackfillCoordinatorGrain>(BackfillKey.Format(user.TenantId(), id));
        if (await coordinator.GetProgressAsync() is null) return ApiResults.NotFound($"There is no backfill '{id}'.");
        if (!await coordinator.CancelAsync()) return ApiResults.Conflict($"Backfill '{id}' has already finished.");
        return TypedResults.Ok(BackfillResponse.From((await coordinator.GetProgressAsync())!));
    }
}
