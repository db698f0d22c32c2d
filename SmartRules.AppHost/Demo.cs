using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace SmartRules.AppHost;

/// <summary>--demo: a tenant with sample rules, then a stream of synthetic balance updates so the dashboards move.</summary>
internal static class Demo
{
    public static async Task RunAsync(HttpClient http, string[] silos, string adminKey, Action<string> say, CancellationToken cancellationToken)
    {
        var tenant = "demo-" + Guid.NewGuid().ToString("N")[..6];
        using var admin = new HttpRequestMessage(HttpMethod.Post, silos[0] + "/admin/tenants") { Content = JsonContent.Create(new { id = tenant, name = "Demo" }) };
        admin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var key = (await (await http.SendAsync(admin, cancellationToken)).Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["apiKey"]!.GetValue<string>();
        say($"demo tenant '{tenant}', API key {key}");

        async Task SendAsync(HttpMethod method, string silo, string path, string body, string type = "application/json")
        {
            using var request = new HttpRequestMessage(method, silo + path) { Content = new StringContent(body, Encoding.UTF8, type) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            (await http.SendAsync(request, cancellationToken)).EnsureSuccessStatusCode();
        }

        await SendAsync(HttpMethod.Put, silos[0], "/api/users/ann@demo.test", """{"name":"Ann"}""");
        await SendAsync(HttpMethod.Put, silos[0], "/api/workflows/collections", """{"name":"Collections"}""");
        await SendAsync(HttpMethod.Put, silos[0], "/api/workflows/legal", """{"name":"Legal"}""");
        await SendAsync(HttpMethod.Post, silos[0], "/api/rules", """{"name":"Big balances to collections","active":true,"trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":8000},"action":{"type":"assignWorkflow","workflowId":"collections"}}""");
        await SendAsync(HttpMethod.Post, silos[0], "/api/rules", """{"name":"Rating D to legal","active":true,"trigger":{"type":"ratingThreshold","direction":"fallsBelow","value":"C"},"action":{"type":"assignWorkflow","workflowId":"legal"}}""");
        await SendAsync(HttpMethod.Post, silos[0], "/api/rules", """{"name":"Tell Ann about new customers","active":true,"trigger":{"type":"customerCreated"},"action":{"type":"sendNotification","recipient":{"user":"ann@demo.test"},"channel":"inApp","subject":"New customer","body":"{{ customer.name }} joined"}}""");

        var random = new Random();
        var round = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var lines = new StringBuilder();
            for (var i = 0; i < 250; i++)
            {
                var id = random.Next(2000);
                lines.Append($$"""{"id":"c{{id}}","name":"Customer {{id}}","outstandingAmount":{{random.Next(10_000)}},"rating":"{{"ABCD"[random.Next(4)]}}"}""").Append('\n');
            }

            try
            {
                await SendAsync(HttpMethod.Post, silos[round++ % silos.Length], "/api/customer-updates", lines.ToString(), "application/x-ndjson");
                await Task.Delay(250, cancellationToken);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(1000, cancellationToken);
            }
        }
    }
}
