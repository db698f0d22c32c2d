using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using SmartRules.Server.Hosting;

namespace SmartRules.Server.Tests;

/// <summary>
/// The address and ports a silo advertises, resolved the way the server resolves them: Orleans' own reading of the
/// "Orleans" section included, so nothing applied after ours can put loopback back (the multi-host bug).
/// </summary>
public sealed class SiloEndpointsTests
{
    private static EndpointOptions Resolve(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            silo.UseConfiguredEndpoints(builder.Configuration.GetSection("Orleans"));
        });
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
    }

    [Fact]
    public void Without_configuration_a_silo_advertises_loopback_on_the_default_ports()
    {
        var options = Resolve();
        Assert.Equal(IPAddress.Loopback, options.AdvertisedIPAddress);
        Assert.Equal(EndpointOptions.DEFAULT_SILO_PORT, options.SiloPort);
        Assert.Equal(EndpointOptions.DEFAULT_GATEWAY_PORT, options.GatewayPort);
        Assert.Null(options.SiloListeningEndpoint);
    }

    [Fact]
    public void The_configured_address_and_ports_are_advertised()
    {
        var options = Resolve(("Orleans:Endpoints:AdvertisedIPAddress", "10.1.2.3"), ("Orleans:Endpoints:SiloPort", "12000"), ("Orleans:Endpoints:GatewayPort", "32000"));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), options.AdvertisedIPAddress);
        Assert.Equal(12000, options.SiloPort);
        Assert.Equal(32000, options.GatewayPort);
    }

    [Fact]
    public void The_short_port_keys_still_work_and_the_Aspire_keys_win_over_them()
    {
        var shortKeys = Resolve(("Orleans:SiloPort", "12001"), ("Orleans:GatewayPort", "32001"));
        Assert.Equal((12001, 32001), (shortKeys.SiloPort, shortKeys.GatewayPort));
        var both = Resolve(("Orleans:SiloPort", "12001"), ("Orleans:Endpoints:SiloPort", "12002"));
        Assert.Equal(12002, both.SiloPort);
    }

    [Fact]
    public void Listening_endpoints_can_differ_from_the_advertised_address()
    {
        var options = Resolve(("Orleans:Endpoints:AdvertisedIPAddress", "10.1.2.3"), ("Orleans:Endpoints:SiloListeningEndpoint", "0.0.0.0:11111"), ("Orleans:Endpoints:GatewayListeningEndpoint", "0.0.0.0:30000"));
        Assert.Equal(IPEndPoint.Parse("0.0.0.0:11111"), options.SiloListeningEndpoint);
        Assert.Equal(IPEndPoint.Parse("0.0.0.0:30000"), options.GatewayListeningEndpoint);
    }

    [Theory]
    [InlineData("Orleans:Endpoints:AdvertisedIPAddress", "host.example")]
    [InlineData("Orleans:Endpoints:SiloPort", "-1")]
    [InlineData("Orleans:GatewayPort", "70000")]
    [InlineData("Orleans:Endpoints:SiloListeningEndpoint", "10.1.2.3")]
    public void A_value_that_is_not_an_address_or_port_stops_the_silo_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve((key, value)));
        Assert.Contains(key.Split(':')[^1], error.Message, StringComparison.Ordinal);
    }
}
