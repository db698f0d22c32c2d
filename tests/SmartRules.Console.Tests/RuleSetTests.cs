using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SmartRules.Console.Tests;

/// <summary>The rule set's order and a deletion, done on the Rules page and checked through the API.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class RuleSetTests(ConsoleFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Rules_move_down_and_are_deleted_only_once_confirmed()
    {
        var (key, api) = await fixture.Api.TenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/workflows/collections", new { name = "Collections" })).StatusCode);
        foreach (var name in new[] { "First", "Second" })
        {
            using var created = await api.PostAsJsonAsync("/api/rules", new
            {
                name,
                trigger = new { type = "customerCreated" },
                action = new { type = "assignWorkflow", workflowId = "collections" },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await fixture.NewPageAsync();
        await page.SignInAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Move First down" }).ClickAsync();
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Second");
        Assert.Equal(["Second", "First"], await NamesAsync(api));

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Second" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Delete Second" })).ToContainTextAsync("Delete “Second”?");
        await page.AssertAccessibleAsync("rules-delete-confirmation", output);
        await page.GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();
        Assert.Equal(["Second", "First"], await NamesAsync(api));

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Second" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete rule" }).ClickAsync();
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        Assert.Equal(["First"], await NamesAsync(api));
    }

    private static async Task<List<string>> NamesAsync(HttpClient api) =>
        [.. (await api.GetFromJsonAsync<JsonArray>("/api/rules"))!.Select(r => r!["name"]!.GetValue<string>())];
}
