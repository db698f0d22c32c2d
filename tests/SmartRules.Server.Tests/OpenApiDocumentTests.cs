using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using SmartRules.Server.Json;
using Xunit.Abstractions;

namespace SmartRules.Server.Tests;

/// <summary>
/// The served OpenAPI document: it passes Redocly CLI's recommended rules (pinned in openapi/package.json), it is the
/// checked-in copy the test client is generated from (GeneratedClientTests), and its schemas say what answers hold.
/// </summary>
public sealed class OpenApiDocumentTests(ApiFixture api, ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    /// <summary>The recommended rules whose warnings the document keeps, and why (docs/api.md).</summary>
    private static readonly Dictionary<string, string> AcceptedWarnings = new(StringComparer.Ordinal)
    {
        ["info-license"] = "the project has not chosen a license for its API description",
    };

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "openapi");

    [Fact]
    public async Task Passes_Redocly_recommended_rules_with_no_error()
    {
        var file = Path.Combine(Path.GetTempPath(), $"smartrules-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await ServedAsync());
        try
        {
            var cli = Path.Combine(Folder, "node_modules", "@redocly", "cli", "bin", "cli.js");
            Assert.True(File.Exists(cli), $"Redocly CLI is not installed in {Folder}: run `npm ci` in tests/SmartRules.Server.Tests/openapi (scripts/test.sh does), then rebuild.");
            var (exitCode, stdout, stderr) = await NodeAsync(cli, "lint", "--extends", "recommended", "--format", "json", file);

            var report = Parse(stdout) ?? throw new Xunit.Sdk.XunitException($"Redocly CLI exited {exitCode} without a JSON report (it needs Node.js 20.19 or later): {stdout}{stderr}");
            var problems = report["problems"]!.AsArray()
                .Select(p => (Rule: p!["ruleId"]!.GetValue<string>(), Severity: p["severity"]!.GetValue<string>(), Message: p["message"]!.GetValue<string>(),
                    Where: p["location"]?[0]?["pointer"]?.GetValue<string>()))
                .ToList();
            output.WriteLine($"Redocly CLI {report["version"]}, recommended rules: {report["totals"]!["errors"]} errors, {report["totals"]!["warnings"]} warnings");
            foreach (var p in problems) output.WriteLine($"  {p.Severity} {p.Rule} at {p.Where}: {p.Message}");

            Assert.True(problems.All(p => p.Severity != "error"), "errors:\n" + string.Join("\n", problems.Where(p => p.Severity == "error")));
            var unexpected = problems.Where(p => !AcceptedWarnings.ContainsKey(p.Rule)).ToList();
            Assert.True(unexpected.Count == 0, "warnings of rules not accepted in AcceptedWarnings:\n" + string.Join("\n", unexpected));
            Assert.Equal(0, exitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Is_the_checked_in_copy_the_test_client_is_generated_from()
    {
        var served = Normalize(await ServedAsync());
        var checkedIn = Normalize(await File.ReadAllTextAsync(Path.Combine(Folder, "v1.json")));
        if (served == checkedIn) return;

        var source = typeof(OpenApiDocumentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OpenApiDocumentSource").Value;
        var copy = Path.Combine(Path.GetTempPath(), "smartrules-openapi-v1.json");
        await File.WriteAllTextAsync(copy, served);
        Assert.Fail($"""
            The served /openapi/v1.json differs from the checked-in copy the test client is generated from. If the change is
            intended, refresh the copy and rebuild (Kiota regenerates the client):
              cp {copy} {source}
            """);
    }

    [Fact]
    public async Task Says_which_properties_answers_always_carry_and_which_may_be_null()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;

        // Every property of a customer is always present, unset ones as null; firedRules (PUT only) and stale (only when true) may be absent.
        AssertProperties(schemas["CustomerResponse"]!,
            required: ["id", "name", "outstandingAmount", "dueAmount", "overdueAmount", "rating", "averagePaymentDelayDays", "customFields", "assignedUsers", "workflow", "paymentMethods", "excluded", "version"],
            nullable: ["name", "rating", "averagePaymentDelayDays", "workflow"]);
        AssertProperties(schemas["CustomerPage"]!, required: ["items", "next"], nullable: ["next"]);
        AssertProperties(schemas["TenantApiKey"]!, required: ["keyId", "createdAt", "lastUsedAt"], nullable: ["lastUsedAt"]);
        AssertProperties(schemas["AuditResponse"]!, required: ["at", "kind", "ruleId", "ruleVersion", "trigger", "before", "after", "note"],
            nullable: ["ruleId", "ruleVersion", "trigger", "before", "after", "note"]);
    }

    [Fact]
    public async Task Describes_the_customer_update_the_server_reads()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;

        Assert.Equal(CustomerBodyReader.Known.Order(), PropertiesOf(schemas["CustomerUpdateBody"]!).Order());
        Assert.Equal(CustomerBodyReader.Known.Append("id").Order(), PropertiesOf(schemas["CustomerUpdateLine"]!).Order());
        Assert.Null(schemas["CustomerUpdateBody"]!["required"]);
        Assert.Equal("id", Assert.Single(schemas["CustomerUpdateLine"]!["required"]!.AsArray())!.GetValue<string>());
        Assert.Equal("#/components/schemas/CustomerUpdateBody",
            document["paths"]!["/api/customers/{id}"]!["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        // The dashboard is not part of the API.
        Assert.DoesNotContain(document["paths"]!.AsObject(), p => p.Key.StartsWith("/dashboard", StringComparison.Ordinal));
    }

    private async Task<string> ServedAsync()
    {
        using var client = api.CreateClient();
        return await client.GetStringAsync("/openapi/v1.json");
    }

    private async Task<JsonNode> DocumentAsync() => JsonNode.Parse(await ServedAsync())!;

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();

    private static IEnumerable<string> PropertiesOf(JsonNode schema) => schema["properties"]!.AsObject().Select(p => p.Key);

    /// <summary>The properties always present are required, and of those exactly <paramref name="nullable"/> may be null.</summary>
    private static void AssertProperties(JsonNode schema, string[] required, string[] nullable)
    {
        Assert.Equal(required.Order(), schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        foreach (var name in required)
        {
            var property = schema["properties"]![name]!;
            Assert.True(nullable.Contains(name) == MayBeNull(property), $"'{name}' {(nullable.Contains(name) ? "should" : "should not")} allow null: {property.ToJsonString()}");
        }
    }

    /// <summary>OpenAPI 3.1: "type": ["null", "string"], or "oneOf": [{"type": "null"}, {"$ref": …}].</summary>
    private static bool MayBeNull(JsonNode property) =>
        property["type"] is JsonArray types ? types.Any(t => t!.GetValue<string>() == "null")
        : property["oneOf"] is JsonArray choices && choices.Any(c => c!["type"]?.GetValue<string>() == "null");

    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> NodeAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("node", arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"Node.js is needed to lint the OpenAPI document and cannot be started ({e.Message}): scripts/test.sh installs Debian's npm (and with it Node.js) when npm is missing.");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
