using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Notifications;
using SmartRules.Grains.Tests.Infrastructure;
using SmartRules.Persistence.Customers;
using SmartRules.Persistence.Notifications;
using static SmartRules.Grains.Tests.Infrastructure.RuleBuilders;

namespace SmartRules.Grains.Tests;

/// <summary>
/// The outbox: written with the customer state, delivered by the silos to a real local webhook receiver and a real
/// local SMTP server, exactly once per firing, with retries and a final failed status.
/// </summary>
public sealed class NotificationTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const string Secret = "s3cret";

    [Fact]
    public async Task A_webhook_notification_is_delivered_once_signed_and_rendered_from_the_customer()
    {
        var tenant = await TenantWithRuleAsync("webhook");
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "w1"));

        await customer.ApplyAsync(Outstanding(7000m, name: "Acme {{ 7 * 7 }}"));
        var item = await WaitForStatusAsync(tenant, "w1", "sent");

        var received = fixture.Webhooks.Received.Where(r => r.IdempotencyKey == item.Id.ToString()).ToArray();
        var call = Assert.Single(received);
        Assert.Equal(NotificationDispatcher.Sign(Encoding.UTF8.GetBytes(call.Body), Secret), call.Signature);
        using var json = JsonDocument.Parse(call.Body);
        Assert.Equal("Acme {{ 7 * 7 }} owes 7000", json.RootElement.GetProperty("body").GetString());
        Assert.Equal("ann@acme.test", json.RootElement.GetProperty("recipient").GetString());
        Assert.Equal(1, item.Attempts);
    }

    [Fact]
    public async Task An_email_notification_reaches_the_smtp_server_once()
    {
        var tenant = await TenantWithRuleAsync("email");
        await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "e1")).ApplyAsync(Outstanding(9000m, name: "Globex"));

        var item = await WaitForStatusAsync(tenant, "e1", "sent");

        var message = Assert.Single(fixture.Smtp.Messages, m => m.MessageId == $"{item.Id}@smartrules");
        Assert.Equal("Balance alert for Globex", message.Subject);
        Assert.Equal("ann@acme.test", message.To.Mailboxes.Single().Address);
        Assert.Contains("Globex owes 9000", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_in_app_notification_is_stored_and_listable()
    {
        var tenant = await TenantWithRuleAsync("inApp");
        await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "i1")).ApplyAsync(Outstanding(8000m, name: "Initech"));

        var item = await WaitForStatusAsync(tenant, "i1", "sent");

        Assert.Equal("Initech owes 8000", item.Body);
        Assert.Equal("inApp", item.Channel);
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_with_backoff_until_it_is_accepted_once()
    {
        var tenant = await TenantWithRuleAsync("webhook");
        fixture.Webhooks.FailNext(2);
        await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "r1")).ApplyAsync(Outstanding(7000m, name: "Retry"));

        var item = await WaitForStatusAsync(tenant, "r1", "sent");

        var calls = fixture.Webhooks.Received.Where(r => r.IdempotencyKey == item.Id.ToString()).ToArray();
        Assert.Equal(3, item.Attempts);
        Assert.Equal([false, false, true], calls.Select(c => c.Accepted));
    }

    [Fact]
    public async Task A_webhook_that_never_answers_well_ends_failed_after_the_last_attempt()
    {
        var tenant = await TenantWithRuleAsync("webhook");
        fixture.Webhooks.FailNext(100);
        try
        {
            await fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, "f1")).ApplyAsync(Outstanding(7000m));
            var item = await WaitForStatusAsync(tenant, "f1", "failed");

            Assert.Equal(4, item.Attempts);
            Assert.Contains("500", item.LastError, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Webhooks.FailNext(0);
        }
    }

    [Fact]
    public async Task A_firing_writes_one_outbox_row_even_when_many_customers_fire_at_once()
    {
        var tenant = await TenantWithRuleAsync("inApp");
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            fixture.Grains.GetGrain<ICustomerGrain>(CustomerKey.Format(tenant, $"m{i}")).ApplyAsync(Outstanding(7000m))));

        Assert.Equal(100L, await fixture.Database.ScalarAsync<long>("select count(*) from notification_outbox where tenant_id = @t", ("t", tenant)));
        Assert.Equal(100L, await fixture.Database.ScalarAsync<long>("select count(distinct customer_id) from notification_outbox where tenant_id = @t", ("t", tenant)));
    }

    private async Task<string> TenantWithRuleAsync(string channel)
    {
        var tenant = await fixture.CreateTenantAsync();
        Assert.Empty(await fixture.Grains.GetGrain<ITenantGrain>(TenantKey.Of(tenant)).PutSettingsAsync(new TenantSettings("provided", fixture.Webhooks.Url, Secret)));
        var rule = await fixture.Grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenant)).CreateAsync(Rule("alert", OutstandingExceeds(5000), Notify(channel)), active: true);
        Assert.Equal(RuleChangeStatus.Ok, rule.Status);
        return tenant;
    }

    private async Task<OutboxItem> WaitForStatusAsync(string tenant, string customerId, string status)
    {
        var outbox = new OutboxStore(fixture.OnEverySilo<ICustomerDatabases>().First());
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var items = await outbox.ListAsync(tenant, customerId, 10, CancellationToken.None);
            var item = Assert.Single(items);
            if (item.Status == status) return item;
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"notification still {item.Status} after 30 s (attempts {item.Attempts}, error {item.LastError})");
            await Task.Delay(50);
        }
    }
}
