using System.Globalization;
using System.Net;
using Orleans.Configuration;

namespace SmartRules.Server.Hosting;

/// <summary>
/// Where a silo listens and which address it advertises to the cluster. The address comes from
/// <c>Orleans:Endpoints:AdvertisedIPAddress</c> (the key .NET Aspire's Orleans integration sets), so silos on several
/// hosts each advertise their own; without it a silo advertises loopback, the safe default for one machine. Ports come
/// from <c>Orleans:Endpoints:SiloPort</c>/<c>GatewayPort</c> or the shorter <c>Orleans:SiloPort</c>/<c>GatewayPort</c>.
/// Every value is read here, so the result does not depend on the order in which Orleans applies its own configuration.
/// </summary>
public static class SiloEndpoints
{
    public static ISiloBuilder UseConfiguredEndpoints(this ISiloBuilder silo, IConfiguration orleans) =>
        silo.Configure<EndpointOptions>(options => Apply(options, orleans));

    public static void Apply(EndpointOptions options, IConfiguration orleans)
    {
        var endpoints = orleans.GetSection("Endpoints");
        options.AdvertisedIPAddress = endpoints["AdvertisedIPAddress"] is { Length: > 0 } advertised
            ? Address(advertised)
            : IPAddress.Loopback;
        options.SiloPort = Port(endpoints, orleans, "SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
        options.GatewayPort = Port(endpoints, orleans, "GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
        // Unset: Orleans listens on the advertised address. Set (for example 0.0.0.0:11111 behind NAT): listens there.
        options.SiloListeningEndpoint = endpoints["SiloListeningEndpoint"] is { Length: > 0 } silo
            ? Endpoint(silo, "SiloListeningEndpoint")
            : null;
        options.GatewayListeningEndpoint = endpoints["GatewayListeningEndpoint"] is { Length: > 0 } gateway
            ? Endpoint(gateway, "GatewayListeningEndpoint")
            : null;
    }

    private static IPAddress Address(string text) =>
        IPAddress.TryParse(text, out var address)
            ? address
            : throw new InvalidOperationException($"Orleans:Endpoints:AdvertisedIPAddress is '{text}', which is not an IP address.");

    private static IPEndPoint Endpoint(string text, string name) =>
        IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new InvalidOperationException($"Orleans:Endpoints:{name} is '{text}', which is not an IP address and port.");

    private static int Port(IConfiguration endpoints, IConfiguration orleans, string name, int fallback)
    {
        var text = endpoints[name] is { Length: > 0 } full ? full : orleans[name];
        if (string.IsNullOrEmpty(text)) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort
            ? port
            : throw new InvalidOperationException($"Orleans:{name} (or Orleans:Endpoints:{name}) is '{text}', which is not a port number.");
    }
}
