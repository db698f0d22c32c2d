namespace SmartRules.Server.Tests;

/// <summary>
/// A tenant's webhook URL must not reach the silos' own network: with the default settings a webhook aimed at a
/// loopback address is refused at connection time and never delivered (the test's receiver listens on loopback).
/// </summary>
public sealed class WebhookAddressTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_webhook_aimed_at_a_private_address_is_not_delivered_and_says_why()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, client) = await api.TenantAsync();
        await client.PutJson("/api/users/ann@acme.test", """{"name":"Ann"}""");
        await client.PutJson("/api/settings", $$"""{"webhookUrl":"{{receiver.Url}}","webhookSecret":"s"}""");
        await client.PostJson("/api/rules", """
            {"name":"alert","active":true,"trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},
             "action":{"type":"sendNotification","recipient":{"user":"ann@acme.test"},"channel":"webhook","body":"{{ customer.id }}"}}
            """);
        await client.PutJson("/api/customers/ssrf", """{"outstandingAmount":7000}""");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        System.Text.Json.Nodes.JsonNode? notification;
        while ((notification = (await (await client.GetAsync("/api/notifications?customerId=ssrf")).Body()).AsArray().SingleOrDefault())?["lastError"] is null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "no delivery attempt within 30 s");
            await Task.Delay(100);
        }

        Assert.Contains("not a public address", notification!["lastError"].Text(), StringComparison.Ordinal);
        Assert.NotEqual("sent", notification["status"].Text());
        Assert.Empty(receiver.Received);
    }
}
