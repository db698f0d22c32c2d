using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rules", Level = 1 })).ToBeFocusedAsync(); // its buttons are gone
        Assert.Equal(["First"], await NamesAsync(api));
    }

    [Fact]
    public async Task The_rules_panels_take_the_keyboard_focus_and_give_it_back_and_the_rules_link_is_current()
    {
        var (key, api) = await fixture.Api.TenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/workflows/collections", new { name = "Collections" })).StatusCode);
        using var created = await api.PostAsJsonAsync("/api/rules", new
        {
            name = "Only",
            trigger = new { type = "customerCreated" },
            action = new { type = "assignWorkflow", workflowId = "collections" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var page = await fixture.NewPageAsync();
        await page.SignInAsync(key);
        Assert.EndsWith("/rules", page.Url, StringComparison.Ordinal);
        var rulesLink = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Rules" });
        await Expect(rulesLink).ToHaveClassAsync(new Regex(@"\bactive\b"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Customers" })).Not.ToHaveClassAsync(new Regex(@"\bactive\b"));

        // Activate…: Enter opens the panel with the focus on its first control; its Cancel gives the focus back.
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate Only" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByLabel("Apply to all existing customers matching the rule")).ToBeFocusedAsync();
        Assert.Equal("Activate Only", await FocusedGroupAsync(page));
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Activate Only" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Activate Only" })).ToBeFocusedAsync();

        // Delete…: the focus goes to the safe choice, "Keep it", so that Enter pressed twice deletes nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Only" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Keep it" })).ToBeFocusedAsync();
        Assert.Equal("Delete Only", await FocusedGroupAsync(page));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete Only" })).ToBeFocusedAsync();

        // The rule editor belongs to Rules too; the home page is the rule set.
        await page.GoAsync("rules/new");
        await Expect(rulesLink).ToHaveClassAsync(new Regex(@"\bactive\b"));
        await page.GoAsync("customers");
        await Expect(rulesLink).Not.ToHaveClassAsync(new Regex(@"\bactive\b"));
        await page.GoAsync("./");
        await Expect(rulesLink).ToHaveClassAsync(new Regex(@"\bactive\b"));
    }

    /// <summary>The accessible name of the group (panel) holding the focused element, or null.</summary>
    private static Task<string?> FocusedGroupAsync(IPage page) =>
        page.EvaluateAsync<string?>("() => document.activeElement?.closest('[role=group]')?.getAttribute('aria-label') ?? null");

    private static async Task<List<string>> NamesAsync(HttpClient api) =>
        [.. (await api.GetFromJsonAsync<JsonArray>("/api/rules"))!.Select(r => r!["name"]!.GetValue<string>())];
}
