using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SmartRules.Console.Tests;

/// <summary>The API's message by a field goes when that field is edited, and only that field's: checked on a
/// condition's value and on the notification's fields, which the API refuses in one answer.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class FieldMessagesTests(ConsoleFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_message_goes_with_the_edit_of_its_own_field_only()
    {
        var (key, api) = await fixture.Api.TenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/users/ann@acme.test", new { name = "Ann" })).StatusCode);
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(key);
        await page.GoAsync("rules/new");

        await page.TypeIntoAsync("#rule-name", "Tell Ann");
        await page.SelectOptionAsync("#trigger-type", "customerCreated");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a condition" }).ClickAsync();
        await page.SelectOptionAsync("#rule-condition-0-field", "outstandingAmount");
        await page.TypeIntoAsync("#rule-condition-0-value", "lots");
        await page.SelectOptionAsync("#action-type", "sendNotification");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create rule" }).ClickAsync();

        var conditionValue = page.Locator("#rule-condition-0-value-errors .field-error");
        var user = page.Locator("#recipient-user-errors .field-error");
        var body = page.Locator("#body-errors .field-error");
        await Expect(conditionValue).Not.ToHaveCountAsync(0);
        await Expect(user).Not.ToHaveCountAsync(0);
        await Expect(body).Not.ToHaveCountAsync(0);
        output.WriteLine("condition value: " + await conditionValue.First.InnerTextAsync() + " | user: " + await user.First.InnerTextAsync() + " | body: " + await body.First.InnerTextAsync());

        await page.TypeIntoAsync("#rule-condition-0-value", "1000");
        await Expect(conditionValue).ToHaveCountAsync(0);
        await Expect(page.Locator("#rule-condition-0-value")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(body).Not.ToHaveCountAsync(0); // another field's message stays until that field is edited
        await Expect(user).Not.ToHaveCountAsync(0);

        await page.TypeIntoAsync("#body", "{{ customer.name }} owes {{ customer.outstandingAmount }}");
        await Expect(body).ToHaveCountAsync(0);
        await Expect(user).Not.ToHaveCountAsync(0);

        await page.SelectOptionAsync("#recipient-user", "ann@acme.test");
        await Expect(user).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create rule" }).ClickAsync();
        await page.Locator("h1:text-is('Rules'), .field-error, .problem").First.WaitForAsync();
        Assert.True(await page.Locator(".field-error").CountAsync() == 0, "still refused: " + await page.EvaluateAsync<string>("() => [...document.querySelectorAll('.field-error')].map(e => e.parentElement.id + ': ' + e.textContent).join('; ')"));
        await page.GetByRole(AriaRole.Heading, new() { Name = "Rules", Level = 1 }).WaitForAsync();
        await Expect(page.Locator("tr", new() { HasText = "Tell Ann" })).ToBeVisibleAsync();
    }
}
