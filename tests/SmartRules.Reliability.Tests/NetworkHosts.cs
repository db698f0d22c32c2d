using System.Diagnostics;
using System.Globalization;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// Hosts of the test's own: network namespaces joined by veth pairs to a bridge, each with an address of a private
/// /24 that no route of the machine uses. The machine (the test process) is on the bridge too, at .1, so it reaches
/// every host and a server it starts on the bridge's address is reachable from every host. Only these addresses get
/// traffic. Disposing removes the namespaces and the bridge (their veth pairs go with them); leftovers of an earlier run
/// that was killed are removed when the next one starts. Needs root (CI runs as root).
/// </summary>
public sealed class NetworkHosts : IAsyncDisposable
{
    private const string Prefix = "srt";
    private readonly string _tag;
    private readonly List<string> _namespaces = [];

    private NetworkHosts(string tag, string subnet)
    {
        _tag = tag;
        Subnet = subnet;
    }

    /// <summary>The first three octets of the hosts' network, for example "10.213.7".</summary>
    public string Subnet { get; }

    /// <summary>The machine's own address on the bridge: where servers every host must reach listen.</summary>
    public string BridgeAddress => Subnet + ".1";

    public IReadOnlyList<Host> Hosts { get; private set; } = [];

    public sealed record Host(string Namespace, string Address);

    public static async Task<NetworkHosts> CreateAsync(int count)
    {
        if (Environment.UserName != "root") throw new InvalidOperationException("the multi-host scenario makes network namespaces and needs root (CI runs as root)");
        await RemoveLeftoversAsync();
        var tag = Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + Random.Shared.Next(10, 99).ToString(CultureInfo.InvariantCulture);
        var routes = await RunAsync("ip", "-4 route");
        var subnet = Enumerable.Range(0, 200).Select(_ => $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(1, 250)}")
            .First(candidate => !routes.Contains(candidate + ".", StringComparison.Ordinal) && !routes.Contains(candidate[..candidate.LastIndexOf('.')] + ".0.0/", StringComparison.Ordinal));
        var network = new NetworkHosts(tag, subnet);
        try
        {
            var bridge = network.BridgeName;
            await RunAsync("ip", $"link add {bridge} type bridge");
            await RunAsync("ip", $"addr add {network.BridgeAddress}/24 dev {bridge}");
            await RunAsync("ip", $"link set {bridge} up");
            var hosts = new List<Host>();
            for (var i = 1; i <= count; i++)
            {
                var name = $"{Prefix}{tag}h{i}";
                var address = $"{subnet}.{10 + i}";
                var outside = $"{Prefix}{tag}v{i}";
                await RunAsync("ip", $"netns add {name}");
                network._namespaces.Add(name);
                await RunAsync("ip", $"link add {outside} type veth peer name eth0 netns {name}");
                await RunAsync("ip", $"link set {outside} master {bridge}");
                await RunAsync("ip", $"link set {outside} up");
                await RunAsync("ip", $"-n {name} addr add {address}/24 dev eth0");
                await RunAsync("ip", $"-n {name} link set eth0 up");
                await RunAsync("ip", $"-n {name} link set lo up");
                hosts.Add(new Host(name, address));
            }

            network.Hosts = hosts;
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    private string BridgeName => $"{Prefix}{_tag}br";

    /// <summary>The command line that runs <paramref name="file"/> inside a host (ip netns exec replaces itself with it, so the process is the program).</summary>
    public static (string File, string[] Arguments) InHost(Host host, string file, params string[] arguments) =>
        ("ip", ["netns", "exec", host.Namespace, file, .. arguments]);

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _namespaces) await TryRunAsync("ip", $"netns delete {name}");
        await TryRunAsync("ip", $"link delete {BridgeName}");
    }

    /// <summary>Namespaces and bridges of earlier runs whose process is gone (a run killed before it could clean up).</summary>
    private static async Task RemoveLeftoversAsync()
    {
        var namespaces = (await RunAsync("ip", "netns list")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')[0]);
        var links = (await RunAsync("ip", "-o link show")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(':')[1].Trim().Split('@')[0]);
        foreach (var name in namespaces.Where(IsStale)) await TryRunAsync("ip", $"netns delete {name}");
        foreach (var name in links.Where(IsStale)) await TryRunAsync("ip", $"link delete {name}");
    }

    private static bool IsStale(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || name.Length < Prefix.Length + 4) return false;
        var digits = new string(name[Prefix.Length..].TakeWhile(char.IsAsciiDigit).ToArray());
        if (digits.Length < 3 || !int.TryParse(digits[..^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return false;
        return !Directory.Exists($"/proc/{pid}");
    }

    private static async Task TryRunAsync(string file, string arguments)
    {
        try
        {
            await RunAsync(file, arguments);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task<string> RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed: {await error}");
        return await output;
    }
}
