using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Contracts;
using SmartRules.Contracts.Tenants;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules;
using SmartRules.Server.Auth;

namespace SmartRules.Server.Apis;

/// <summary>Users, workflows, payment methods and settings: what rules may name.</summary>
public static class DirectoryApi
{
    public static RouteGroupBuilder MapDirectoryApi(this RouteGroupBuilder api)
    {
        api.MapPut("/users/{email}", PutUser).WithName("PutUser").Accepts<NameBody>("application/json").WithTags("Directory")
            .WithSummary("Add or rename a user").WithDescription("""Users that rules may assign or notify; they need not be invited. Body: {"name":"Ann"}. E-mails are matched case-insensitively.""");
        api.MapGet("/users", ListUsers).WithName("ListUsers").WithTags("Directory").WithSummary("List users");
        api.MapPut("/workflows/{id}", PutWorkflow).WithName("PutWorkflow").Accepts<NameBody>("application/json").WithTags("Directory")
            .WithSummary("Add or rename a workflow").WithDescription("""Body: {"name":"Collection agency"}.""");
        api.MapGet("/workflows", ListWorkflows).WithName("ListWorkflows").WithTags("Directory").WithSummary("List workflows");
        api.MapGet("/payment-methods", () => TypedResults.Ok(PaymentMethodNames.All)).WithName("ListPaymentMethods").WithTags("Directory")
            .WithSummary("List payment methods").WithDescription("card, bankTransfer, directDebit.");
        api.MapPut("/settings", PutSettings).WithName("PutSettings").Accepts<SettingsBody>("application/json").WithTags("Directory")
            .WithSummary("Set the tenant's settings")
            .WithDescription("""{"ratingSource":"provided|derivedFromDelay","webhookUrl":"https://…","webhookSecret":"…"}. With derivedFromDelay the rating follows the delay (A ≤ 30 days, B ≤ 60, C ≤ 90, D beyond) and updates may not send one.""");
        api.MapGet("/settings", GetSettings).WithName("GetSettings").WithTags("Directory").WithSummary("Get the tenant's settings (without the secret)");
        return api;
    }

    public static async Task<Results<Ok<UserResponse>, ValidationProblem>> PutUser(string email, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (body, problem) = await ApiResults.ReadAsync<NameBody>(request);
        if (problem is not null) return problem;
        var problems = new List<FieldProblem>();
        if (email.Length > 254 || email.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@'))
        {
            problems.Add(new("email", "must be an e-mail address such as ann@acme.test (at most 254 characters, no spaces)"));
        }

        if (TextRules.NameProblem(body!.Name, TextRules.MaxNameLength) is { } nameProblem) problems.Add(new("name", nameProblem));
        if (problems.Count > 0) return ApiResults.Invalid(problems);
        await grains.GetGrain<ITenantGrain>(TenantKey.Of(user.TenantId())).PutUserAsync(new DirectoryUser(email, body.Name!));
        return TypedResults.Ok(new UserResponse(email, body.Name!));
    }

    public static async Task<Ok<UserResponse[]>> ListUsers(ClaimsPrincipal user, IGrainFactory grains)
    {
        var directory = await grains.GetGrain<ITenantGrain>(TenantKey.Of(user.TenantId())).GetDirectoryAsync();
        return TypedResults.Ok(directory.Users.Select(u => new UserResponse(u.Email, u.Name)).ToArray());
    }

    public static async Task<Results<Ok<WorkflowResponse>, ValidationProblem>> PutWorkflow(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (body, problem) = await ApiResults.ReadAsync<NameBody>(request);
        if (problem is not null) return problem;
        var problems = new List<FieldProblem>();
        if (TextRules.NameProblem(id, TextRules.MaxNameLength) is { } idProblem) problems.Add(new("id", idProblem));
        if (TextRules.NameProblem(body!.Name, TextRules.MaxNameLength) is { } nameProblem) problems.Add(new("name", nameProblem));
        if (problems.Count > 0) return ApiResults.Invalid(problems);
        await grains.GetGrain<ITenantGrain>(TenantKey.Of(user.TenantId())).PutWorkflowAsync(new DirectoryWorkflow(id, body.Name!));
        return TypedResults.Ok(new WorkflowResponse(id, body.Name!));
    }

    public static async Task<Ok<WorkflowResponse[]>> ListWorkflows(ClaimsPrincipal user, IGrainFactory grains)
    {
        var directory = await grains.GetGrain<ITenantGrain>(TenantKey.Of(user.TenantId())).GetDirectoryAsync();
        return TypedResults.Ok(directory.Workflows.Select(w => new WorkflowResponse(w.Id, w.Name)).ToArray());
    }

    public static async Task<Results<Ok<SettingsResponse>, ValidationProblem>> PutSettings(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (body, problem) = await ApiResults.ReadAsync<SettingsBody>(request);
        if (problem is not null) return problem;
        var settings = new TenantSettings(body!.RatingSource ?? "provided", body.WebhookUrl, body.WebhookSecret);
        var problems = await grains.GetGrain<ITenantGrain>(TenantKey.Of(user.TenantId())).PutSettingsAsync(settings);
        return problems.Count > 0 ? ApiResults.Invalid(problems) : TypedResults.Ok(Response(settings));
    }

    public static async Task<Ok<SettingsResponse>> GetSettings(ClaimsPrincipal user, IGrainFactory grains)
    {
        var directory = await grains.GetGrain<ITenantGrain>(TenantKey.Of(user.TenantId())).GetDirectoryAsync();
        return TypedResults.Ok(Response(directory.Settings));
    }

    private static SettingsResponse Response(TenantSettings settings) =>
        new(settings.RatingSource, settings.WebhookUrl, !string.IsNullOrEmpty(settings.WebhookSecret));
}
