using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartRules.Console.Tests;

/// <summary>
/// The console end to end in Debian's Chromium, against a real silo + API on PostgreSQL: each test signs in with a new
/// tenant's key, works through the pages as a person would, checks every page it shows with axe (no serious or
/// critical violation) and saves a screenshot of it.
/// </summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class SignInTests(ConsoleFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Signing_in_keeps_the_key_out_of_the_browser()
    {
        var (key, _) = await fixture.Api.TenantAsync();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("signin");
        await page.AssertAccessibleAsync("sign-in", output);
        await page.ScreenshotAsync(fixture, "sign-in", output);

        await page.GetByLabel("API key").FillAsync("not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-key-errors")).ToContainTextAsync("not valid");

        await page.SignInAsync(key);
        var storage = await page.EvaluateAsync<string>("() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })");
        output.WriteLine("browser storage: " + storage);
        Assert.DoesNotContain(key, storage, StringComparison.Ordinal);
        var cookies = await page.Context.CookiesAsync();
        Assert.All(cookies, c => Assert.DoesNotContain(key, c.Value, StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.Name == "smartrules-console" && c.HttpOnly);
        Assert.DoesNotContain("smartrules-console", storage, StringComparison.Ordinal);
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
    }
}
