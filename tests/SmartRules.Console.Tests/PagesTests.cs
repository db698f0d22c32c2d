using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SmartRules.Console.Tests;

/// <summary>
/// The pages not covered by the rule's round trip — Directory and Settings — used with the keyboard's fields and
/// checked with axe; and every page at a phone's width without a page-wide horizontal scroll.
/// </summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class PagesTests(ConsoleFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Directory_and_settings_save_through_the_api_and_show_its_messages_by_their_fields()
    {
        var (key, api) = await fixture.Api.TenantAsync();
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(key);

        await page.GetByRole(AriaRole.Link, new() { Name = "Directory" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Directory", Level = 1 }).WaitForAsync();
        await page.TypeIntoAsync("#user-email", "ann@acme.test");
        await page.TypeIntoAsync("#user-name", "Ann");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save user" }).ClickAsync();
        await page.TypeIntoAsync("#workflow-id", "collections");
        await page.TypeIntoAsync("#workflow-name", "Collection agency");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save workflow" }).ClickAsync();
        await Expect(page.Locator("table", new() { HasText = "Collection agency" })).ToBeVisibleAsync();
        await Expect(page.Locator("table", new() { HasText = "ann@acme.test" })).ToBeVisibleAsync();
        Assert.Contains("ann@acme.test", (await api.GetStringAsync("/api/users")), StringComparison.Ordinal);
        await page.AssertAccessibleAsync("directory", output);
        await page.ScreenshotAsync(fixture, "directory", output);

        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Settings", Level = 1 }).WaitForAsync();
        await page.TypeIntoAsync("#webhook-url", "not a url");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.Locator("#webhook-url-errors .field-error")).Not.ToHaveCountAsync(0);
        output.WriteLine("next to the webhook URL: " + await page.Locator("#webhook-url-errors").InnerTextAsync());
        await page.TypeIntoAsync("#webhook-url", "https://hooks.example.test/smartrules");
        await page.TypeIntoAsync("#webhook-secret", "s3cret");
        await page.SelectOptionAsync("#rating-source", "derivedFromDelay");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        var settings = await api.GetFromJsonAsync<JsonObject>("/api/settings");
        Assert.Equal("https://hooks.example.test/smartrules", settings!["webhookUrl"]!.GetValue<string>());
        Assert.Equal("derivedFromDelay", settings["ratingSource"]!.GetValue<string>());
        await page.AssertAccessibleAsync("settings", output);
        await page.ScreenshotAsync(fixture, "settings", output);
    }

    [Fact]
    public async Task Every_page_fits_a_phone()
    {
        var (key, api) = await fixture.Api.TenantAsync();
        await api.PutAsJsonAsync("/api/workflows/collections", new { name = "Collections" });
        await api.PutAsJsonAsync("/api/customers/phone-1", new { name = "A customer with a rather long name", outstandingAmount = 1234.5 });
        var page = await fixture.NewPageAsync(390, 844);
        await page.SignInAsync(key);
        foreach (var (path, name) in new[] { ("rules", "rules"), ("rules/new", "rule-editor"), ("customers", "customers"), ("customers/phone-1", "customer"), ("directory", "directory"), ("settings", "settings") })
        {
            await page.GoAsync(path);
            await page.Locator("h1").WaitForAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow}px wider than a phone");
            await page.AssertAccessibleAsync(name + "-phone", output);
            await page.ScreenshotAsync(fixture, name + "-phone", output);
        }
    }
}
