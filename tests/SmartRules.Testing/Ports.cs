using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SmartRules.Testing;

public static class Ports
{
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A loopback TCP port that was free a moment ago, for a process the test starts. It is taken below the kernel's
    /// ephemeral range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>): a port the kernel chose (port 0) lies inside
    /// that range, where any outgoing connection of the machine — a database pool, an HTTP client — may take it before
    /// the started process binds it (a reliability run lost a silo that way: "address already in use"). No port is
    /// given twice by one test process.
    /// </summary>
    public static int Free()
    {
        const int low = 10_000;
        var high = EphemeralRangeStart();
        if (high - low < 1_000) return KernelChosen();
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Random.Shared.Next(low, high);
            lock (Given)
            {
                if (!Given.Add(port)) continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }

        throw new InvalidOperationException($"No free loopback port between {low} and {high}.");
    }

    private static int KernelChosen()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range)
            && int.TryParse(File.ReadAllText(range).Split(['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? start
            : 32_768;
    }
}
