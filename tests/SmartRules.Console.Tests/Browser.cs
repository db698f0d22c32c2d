using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartRules.Console.Tests;

/// <summary>What every console test does in the browser: sign in, check a page with axe, keep a screenshot.</summary>
internal static class Browser
{
    public static async Task SignInAsync(this IPage page, string apiKey)
    {
        await page.GotoAsync("rules");
        await page.WaitForURLAsync("**/signin**");
        await page.GetByLabel("API key").FillAsync(apiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Rules", Level = 1 }).WaitForAsync();
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Waits until the page's circuit is up, so clicks reach the server: the layout marks its main element
    /// once it renders interactively (a prerendered page looks the same but does not answer yet).</summary>
    public static Task WaitForInteractiveAsync(this IPage page) => page.Locator("main[data-interactive=true]").WaitForAsync();

    public static async Task GoAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Types into a field and leaves it with Tab, as a keyboard user does (the change event binds the value).</summary>
    public static async Task TypeIntoAsync(this IPage page, string selector, string text)
    {
        await page.Locator(selector).FillAsync(text);
        await page.Locator(selector).PressAsync("Tab");
    }

    /// <summary>No serious or critical axe violation on the page as it is now.</summary>
    public static async Task AssertAccessibleAsync(this IPage page, string name, ITestOutputHelper output)
    {
        var results = await page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var violation in results.Violations)
        {
            output.WriteLine($"axe {name}: {violation.Impact} {violation.Id}: {violation.Help} — {string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html))}");
        }

        Assert.True(bad.Count == 0, $"{name}: {string.Join("; ", bad.Select(v => $"{v.Impact} {v.Id} ({v.Help}) at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}"))}");
    }

    public static async Task ScreenshotAsync(this IPage page, ConsoleFixture fixture, string name, ITestOutputHelper output)
    {
        var path = Path.Combine(fixture.Screenshots, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
