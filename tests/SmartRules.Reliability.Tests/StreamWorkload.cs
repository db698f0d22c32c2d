using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using SmartRules.Domain.Tenants;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// The tenant the streaming scenarios use: two users, two workflows, a webhook, and seven active rules covering every
/// action (notifications in-app and by webhook, workflows that can conflict, users from a custom field, payment
/// methods, exclusion) on every kind of trigger, which the generated updates (<see cref="GeneratedUpdate"/>) cross often.
/// </summary>
public static class StreamWorkload
{
    private static readonly string[] Rules =
    [
        """{"name":"over 5k","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},"action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"inApp","body":"{{ customer.id }} owes {{ customer.outstandingAmount }}"}}""",
        """{"name":"late B2B","trigger":{"type":"averagePaymentDelayThreshold","direction":"exceeds","value":30},"conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],"action":{"type":"assignWorkflow","workflowId":"collections"}}""",
        """{"name":"owners","trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"B"},"action":{"type":"assignUsers","fromCustomFields":["CSM email"]}}""",
        """{"name":"watch","trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"B"},"action":{"type":"assignWorkflow","workflowId":"watch"}}""",
        """{"name":"small","trigger":{"type":"outstandingAmountThreshold","direction":"fallsBelow","value":1000},"action":{"type":"assignPaymentMethods","methods":["directDebit"]}}""",
        """{"name":"rated D","trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"C"},"action":{"type":"sendNotification","recipient":{"user":"bob@acme.test"},"channel":"webhook","body":"{{ customer.id }} is rated {{ customer.rating }}"}}""",
        """{"name":"closed","trigger":{"type":"customerCreatedOrUpdated"},"conditions":[{"field":"customFields.Status","operator":"isAnyOf","value":["closed"]}],"action":{"type":"exclude"}}""",
    ];

    /// <summary>Creates the tenant's directory and rules through the API; answers the replay model of those rules.</summary>
    public static async Task<ReplayModel> SetUpAsync(HttpClient http, string webhookUrl)
    {
        (await http.PutAsJsonAsync("/api/users/ann@acme.test", new { name = "Ann" })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync("/api/users/bob@acme.test", new { name = "Bob" })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync("/api/workflows/collections", new { name = "Collections" })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync("/api/workflows/watch", new { name = "Watch" })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync("/api/settings", new { webhookUrl, webhookSecret = "s3cret" })).EnsureSuccessStatusCode();
        var model = new ReplayModel(new TenantDirectory(["ann@acme.test", "bob@acme.test"], ["collections", "watch"]));
        foreach (var rule in Rules)
        {
            using var response = await http.PostAsync("/api/rules", new StringContent(rule[..^1] + ""","active":true}""", Encoding.UTF8, "application/json"));
            var created = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
            model.AddRule(rule, created["id"]!.GetValue<string>(), created["version"]!.GetValue<int>());
        }

        return model;
    }
}
