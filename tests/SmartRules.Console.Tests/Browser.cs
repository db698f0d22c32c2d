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

    /// <summary>Waits until the page's circuit is up, so clicks reach the server (Blazor marks nothing, so ask it).</summary>
    public static async Task WaitForInteractiveAsync(this IPage page) =>
        await page.WaitForFunctionAsync("() => window.Blazor && document.querySelector('main') && !document.querySelector('#components-reconnect-modal[open]')");

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
