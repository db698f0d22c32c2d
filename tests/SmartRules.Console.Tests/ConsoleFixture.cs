using Microsoft.Playwright;

namespace SmartRules.Console.Tests;

/// <summary>
/// One API server (silo + HTTP API on PostgreSQL), one console on it, and one headless Chromium for the class: Debian's
/// <c>/usr/bin/chromium</c> (or <c>CHROMIUM</c>) driven by Playwright for .NET, whose package brings its own driver;
/// Playwright cannot download browsers here. Screenshots go to <see cref="Screenshots"/>.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public ApiServer Api { get; private set; } = null!;

    public ConsoleServer Console { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "console-screenshots");

    private IPlaywright playwright = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        Api = await ApiServer.StartAsync();
        Console = ConsoleServer.Start(Api.Address);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new browser context (its own cookies and storage) at the given size, on the console.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Console.Address.ToString(), ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await Console.DisposeAsync();
        await Api.DisposeAsync();
    }
}
