using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace SmartRules.Demo;

/// <summary>A tenant with sample rules, then 250 synthetic balance updates every quarter second, so the dashboards move.</summary>
internal sealed partial class DemoLoad(HttpClient http, IConfiguration configuration, ILogger<DemoLoad> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var api = configuration["SmartRules:Api"] ?? throw new InvalidOperationException("Set SmartRules:Api to the API's URL.");
        var adminKey = configuration["SmartRules:AdminKey"] ?? throw new InvalidOperationException("Set SmartRules:AdminKey.");
        http.BaseAddress = new Uri(api);

        var tenant = "demo-" + Guid.NewGuid().ToString("N")[..6];
        using var admin = new HttpRequestMessage(HttpMethod.Post, "/admin/tenants") { Content = JsonContent.Create(new { id = tenant, name = "Demo" }) };
        admin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var created = await http.SendAsync(admin, stoppingToken);
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonObject>(stoppingToken))!["apiKey"]!.GetValue<string>();
        TenantCreated(logger, tenant, key);

        await SendAsync(HttpMethod.Put, "/api/users/ann@demo.test", """{"name":"Ann"}""");
        await SendAsync(HttpMethod.Put, "/api/workflows/collections", """{"name":"Collections"}""");
        await SendAsync(HttpMethod.Put, "/api/workflows/legal", """{"name":"Legal"}""");
        await SendAsync(HttpMethod.Post, "/api/rules", """{"name":"Big balances to collections","active":true,"trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":8000},"action":{"type":"assignWorkflow","workflowId":"collections"}}""");
        await SendAsync(HttpMethod.Post, "/api/rules", """{"name":"Rating D to legal","active":true,"trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"C"},"action":{"type":"assignWorkflow","workflowId":"legal"}}""");
        await SendAsync(HttpMethod.Post, "/api/rules", """{"name":"Tell Ann about new customers","active":true,"trigger":{"type":"customerCreated"},"action":{"type":"sendNotification","recipient":{"user":"ann@demo.test"},"channel":"inApp","subject":"New customer","body":"{{ customer.name }} joined"}}""");

        var random = new Random();
        while (!stoppingToken.IsCancellationRequested)
        {
            var lines = new StringBuilder();
            for (var i = 0; i < 250; i++)
            {
                var id = random.Next(2000);
                lines.Append(CultureInfo.InvariantCulture, $$"""{"id":"c{{id}}","name":"Customer {{id}}","outstandingAmount":{{random.Next(10_000)}},"rating":"{{"ABCD"[random.Next(4)]}}"}""").Append('\n');
            }

            try
            {
                await SendAsync(HttpMethod.Post, "/api/customer-updates", lines.ToString(), "application/x-ndjson");
                await Task.Delay(250, stoppingToken);
            }
            catch (HttpRequestException e)
            {
                SendFailed(logger, e.Message);
                await Task.Delay(1000, stoppingToken);
            }
        }

        async Task SendAsync(HttpMethod method, string path, string body, string type = "application/json")
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, type) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request, stoppingToken);
            response.EnsureSuccessStatusCode();
        }
    }

    [LoggerMessage(LogLevel.Information, "Demo tenant '{Tenant}', API key {ApiKey}")]
    private static partial void TenantCreated(ILogger logger, string tenant, string apiKey);

    [LoggerMessage(LogLevel.Warning, "Demo update failed: {Reason}")]
    private static partial void SendFailed(ILogger logger, string reason);
}
