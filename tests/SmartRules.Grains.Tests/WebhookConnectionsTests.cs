using System.Net;
using SmartRules.Grains.Notifications;

namespace SmartRules.Grains.Tests;

public sealed class WebhookConnectionsTests
{
    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("1.1.1.1", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("100.128.0.1", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)] // cloud metadata
    [InlineData("100.64.0.1", false)]
    [InlineData("192.0.2.1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("64:ff9b::7f00:1", false)] // NAT64 of 127.0.0.1
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:169.254.169.254", false)]
    public void Only_public_addresses_are_public(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookConnections.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task A_refusing_handler_never_connects_to_loopback_and_an_allowing_one_does()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var refusing = new HttpClient(WebhookConnections.CreateHandler(allowPrivateAddresses: false));
        using var allowing = new HttpClient(WebhookConnections.CreateHandler(allowPrivateAddresses: true));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => refusing.PostAsync(receiver.Url, new StringContent("{}")));
        Assert.Contains("not a public address", refused.Message, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
        using var delivered = await allowing.PostAsync(receiver.Url, new StringContent("{}"));
        Assert.Single(receiver.Received);
    }
}
