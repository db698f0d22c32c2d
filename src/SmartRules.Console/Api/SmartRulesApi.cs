using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using SmartRules.Console.Sessions;

namespace SmartRules.Console.Api;

/// <summary>
/// The typed client of the SmartRules HTTP API (eShop's WebApp does the same with its catalog client). Made in the
/// circuit's scope, so every request carries the signed-in tenant's key, which <see cref="TenantSession"/> looks up on
/// the server; the key never reaches the browser.
/// </summary>
public sealed class SmartRulesApi(HttpClient http, TenantSession session)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Task<ApiResult<IReadOnlyList<RuleView>>> RulesAsync(CancellationToken ct = default) => SendAsync<IReadOnlyList<RuleView>>(HttpMethod.Get, "api/rules", null, ct);

    public Task<ApiResult<RuleView>> RuleAsync(string id, CancellationToken ct = default) => SendAsync<RuleView>(HttpMethod.Get, $"api/rules/{Uri.EscapeDataString(id)}", null, ct);

    public Task<ApiResult<RuleCreated>> CreateRuleAsync(RuleBody rule, CancellationToken ct = default) => SendAsync<RuleCreated>(HttpMethod.Post, "api/rules", rule, ct);

    public Task<ApiResult<RuleCreated>> UpdateRuleAsync(string id, RuleBody rule, CancellationToken ct = default) => SendAsync<RuleCreated>(HttpMethod.Put, $"api/rules/{Uri.EscapeDataString(id)}", rule, ct);

    public Task<ApiResult<object>> DeleteRuleAsync(string id, CancellationToken ct = default) => SendAsync<object>(HttpMethod.Delete, $"api/rules/{Uri.EscapeDataString(id)}", null, ct);

    public Task<ApiResult<ActivateResult>> ActivateAsync(string id, bool applyToExisting, CancellationToken ct = default) =>
        SendAsync<ActivateResult>(HttpMethod.Post, $"api/rules/{Uri.EscapeDataString(id)}/activate", new { applyToExisting }, ct);

    public Task<ApiResult<object>> DeactivateAsync(string id, CancellationToken ct = default) => SendAsync<object>(HttpMethod.Post, $"api/rules/{Uri.EscapeDataString(id)}/deactivate", new { }, ct);

    public Task<ApiResult<object>> OrderRulesAsync(IReadOnlyList<string> ids, CancellationToken ct = default) => SendAsync<object>(HttpMethod.Put, "api/rule-order", ids, ct);

    public Task<ApiResult<SimulateResult>> SimulateAsync(object body, CancellationToken ct = default) => SendAsync<SimulateResult>(HttpMethod.Post, "api/rules/simulate", body, ct);

    public Task<ApiResult<ExplainResult>> ExplainAsync(object body, CancellationToken ct = default) => SendAsync<ExplainResult>(HttpMethod.Post, "api/explain", body, ct);

    public Task<ApiResult<BackfillStatus>> BackfillAsync(string id, CancellationToken ct = default) => SendAsync<BackfillStatus>(HttpMethod.Get, $"api/backfills/{Uri.EscapeDataString(id)}", null, ct);

    public Task<ApiResult<object>> CancelBackfillAsync(string id, CancellationToken ct = default) => SendAsync<object>(HttpMethod.Post, $"api/backfills/{Uri.EscapeDataString(id)}/cancel", new { }, ct);

    public Task<ApiResult<BulkPreview>> PreviewBulkAsync(IReadOnlyList<ConditionModel> conditions, BulkAction action, CancellationToken ct = default) =>
        SendAsync<BulkPreview>(HttpMethod.Post, "api/backfills", new { kind = "bulkAction", conditions, action, dryRun = true }, ct);

    public Task<ApiResult<BackfillStarted>> RunBulkAsync(IReadOnlyList<ConditionModel> conditions, BulkAction action, CancellationToken ct = default) =>
        SendAsync<BackfillStarted>(HttpMethod.Post, "api/backfills", new { kind = "bulkAction", conditions, action }, ct);

    public Task<ApiResult<CustomerPage>> SearchCustomersAsync(IReadOnlyList<ConditionModel> conditions, int limit, string? after, CancellationToken ct = default) =>
        SendAsync<CustomerPage>(HttpMethod.Post, "api/customers/search", new { conditions, limit, after }, ct);

    public Task<ApiResult<CustomerCount>> CountCustomersAsync(IReadOnlyList<ConditionModel> conditions, CancellationToken ct = default) =>
        SendAsync<CustomerCount>(HttpMethod.Post, "api/customers/count", new { conditions }, ct);

    public Task<ApiResult<CustomerView>> CustomerAsync(string id, CancellationToken ct = default) => SendAsync<CustomerView>(HttpMethod.Get, $"api/customers/{Uri.EscapeDataString(id)}", null, ct);

    public Task<ApiResult<IReadOnlyList<AuditEntry>>> AuditAsync(string id, CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<AuditEntry>>(HttpMethod.Get, $"api/customers/{Uri.EscapeDataString(id)}/audit", null, ct);

    public Task<ApiResult<IReadOnlyList<NotificationView>>> NotificationsAsync(string customerId, CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<NotificationView>>(HttpMethod.Get, $"api/notifications?customerId={Uri.EscapeDataString(customerId)}", null, ct);

    public Task<ApiResult<IReadOnlyList<UserView>>> UsersAsync(CancellationToken ct = default) => SendAsync<IReadOnlyList<UserView>>(HttpMethod.Get, "api/users", null, ct);

    public Task<ApiResult<object>> PutUserAsync(string email, string name, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Put, $"api/users/{Uri.EscapeDataString(email)}", new { name }, ct);

    public Task<ApiResult<IReadOnlyList<WorkflowView>>> WorkflowsAsync(CancellationToken ct = default) => SendAsync<IReadOnlyList<WorkflowView>>(HttpMethod.Get, "api/workflows", null, ct);

    public Task<ApiResult<object>> PutWorkflowAsync(string id, string name, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Put, $"api/workflows/{Uri.EscapeDataString(id)}", new { name }, ct);

    /// <summary>The custom-field names the tenant's customers have; a server without the endpoint yet answers 404.</summary>
    public Task<ApiResult<IReadOnlyList<CustomFieldView>>> CustomFieldsAsync(CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<CustomFieldView>>(HttpMethod.Get, "api/custom-fields", null, ct);

    public Task<ApiResult<SettingsView>> SettingsAsync(CancellationToken ct = default) => SendAsync<SettingsView>(HttpMethod.Get, "api/settings", null, ct);

    public Task<ApiResult<SettingsView>> PutSettingsAsync(SettingsBody body, CancellationToken ct = default) => SendAsync<SettingsView>(HttpMethod.Put, "api/settings", body, ct);

    /// <summary>Checks a key before a session is made for it: the API answers 401 to an unknown or revoked key.</summary>
    public async Task<ApiProblem?> CheckKeyAsync(string apiKey, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/settings");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return await ProblemOrNullAsync(request, ct);
    }

    private async Task<ApiProblem?> ProblemOrNullAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(request, ct);
            return response.IsSuccessStatusCode ? null : await ReadProblemAsync(response, ct);
        }
        catch (HttpRequestException e)
        {
            return ApiProblem.Unreachable(e.Message);
        }
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        if (await session.ApiKeyAsync() is not { } key)
        {
            return new(default, new ApiProblem(401, "Signed out", "Sign in again with your API key.", new Dictionary<string, string[]>()), 401);
        }

        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return new(default, await ReadProblemAsync(response, ct), (int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0) return new(default, null, (int)response.StatusCode);
            return new(await response.Content.ReadFromJsonAsync<T>(Json, ct), null, (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return new(default, ApiProblem.Unreachable(e.Message), 0);
        }
        catch (JsonException e)
        {
            return new(default, new ApiProblem(0, "Unexpected answer", e.Message, new Dictionary<string, string[]>()), 0);
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, ct);
            if (problem is not null) return new(status, problem.Title, problem.Detail, problem.Errors ?? new Dictionary<string, string[]>());
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, an empty 404): the status says enough.
        }

        return new(status, response.ReasonPhrase, status == 404 ? "The API does not know this (or does not have this endpoint yet)." : null, new Dictionary<string, string[]>());
    }

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
