using System.Net;
using System.Net.Sockets;

namespace SmartRules.Grains.Notifications;

/// <summary>
/// Webhook URLs are the tenants' to choose, so a webhook could otherwise be aimed at the silos' own network: the
/// database, the cluster ports, a cloud metadata service. Unless <see cref="NotificationOptions.AllowPrivateWebhookAddresses"/>
/// is set, a webhook connects only to public addresses: the host is resolved once, every address it resolves to must be
/// public, and the connection is made to exactly those addresses (a second lookup could answer differently). Redirects
/// go through the same check.
/// </summary>
public static class WebhookConnections
{
    public static SocketsHttpHandler CreateHandler(bool allowPrivateAddresses) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = allowPrivateAddresses ? null : ConnectToPublicAddressAsync,
    };

    /// <summary>Whether an address is on the public internet: not loopback, private, link-local, shared, multicast or reserved.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224 // "this" network, private, loopback, multicast and reserved
                     || (b[0] == 100 && b[1] is >= 64 and < 128) // shared address space (carrier-grade NAT)
                     || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata services
                     || (b[0] == 172 && b[1] is >= 16 and < 32)
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) // IETF protocol assignments, documentation
                     || (b[0] == 198 && b[1] is 18 or 19)); // benchmarking
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                     || (b[0] & 0xFE) == 0xFC // unique local fc00::/7
                     || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // documentation 2001:db8::/32
                     || (b[0] == 0 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) // NAT64 64:ff9b::/96 (reaches IPv4 space)
                     || address.IsIPv6Teredo);
        }

        return false;
    }

    private static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused)
        {
            throw new HttpRequestException(
                $"the webhook host '{host}' is {refused}, not a public address; webhooks go only to public addresses " +
                "unless SmartRules:Notifications:AllowPrivateWebhookAddresses is set");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
