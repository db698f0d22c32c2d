using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SmartRules.Contracts.Customers;

namespace SmartRules.LoadBench;

/// <summary>A grain that does nothing: what Orleans alone costs a call (<see cref="GrainFloor"/>).</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    Task<int> TouchAsync(int value);
}

/// <summary>No state, no storage, no services: its activation and its calls are Orleans' work only.</summary>
public sealed class ProbeGrain : Grain, IProbeGrain
{
    public Task<int> TouchAsync(int value) => Task.FromResult(value);
}

/// <summary>
/// The grain floor of a run: the same silo activating empty grains (<see cref="ProbeGrain"/>) and calling them once
/// active, through direct grain calls with as many in flight as the workloads' requests allow (8 requests of up to
/// 256 lines each), keys shaped like customers' and references made as the ingestion makes them. It is the rate the
/// silo's Orleans machinery alone allows on this machine in this run — placement, the grain directory, the activation's
/// lifecycle and working set, messaging and the GC's share of them — with no HTTP, no JSON, no rules and no database, so
/// every workload's rate is bounded by it: an import line activates one customer grain, an update calls one.
/// </summary>
internal static class GrainFloor
{
    /// <summary>The lines the ingestion has in flight at once in the workloads: 8 requests of up to 256 lines.</summary>
    public const int InFlight = 8 * 256;

    /// <summary>Rates per second; the costs as <see cref="ProcessCost.Stop"/> prints them, and their CPU in µs.</summary>
    public sealed record Result(double Activations, string ActivationCost, double ActivationCpu, double Calls, string CallCost, double CallCpu)
    {
        /// <summary>The rates after <paramref name="heading"/>, then what an activation and a call cost.</summary>
        public void Print(string heading)
        {
            Console.WriteLine($"{heading}{Activations:N0} activations/s, {Calls:N0} calls/s to active grains (an empty grain, direct calls, {InFlight:N0} in flight; no HTTP, rules or database)");
            Console.WriteLine($"  activation cost: {ActivationCost}");
            Console.WriteLine($"  call cost: {CallCost}");
        }
    }

    /// <summary>
    /// The grain floor alone, <paramref name="rounds"/> times on one silo configured as the server's (each round new
    /// grains, beside the earlier rounds' ones), for measuring a change to Orleans' settings without the workloads:
    /// <c>dotnet run -c Release --project bench/SmartRules.LoadBench -- grains [--customers 100000] [--updates 200000] [--rounds 3]</c>.
    /// </summary>
    public static async Task RunAsync(string connectionString, int grainCount, int callCount, int seed, int rounds)
    {
        await using var server = await BenchServer.StartAsync(connectionString, "probe");
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round}: activating {grainCount:N0} grains, then {callCount:N0} calls");
            var result = await MeasureAsync(grains, grainCount, callCount, seed + round, "probe" + round.ToString(CultureInfo.InvariantCulture));
            result.Print("  ");
        }
    }

    public static async Task<Result> MeasureAsync(IGrainFactory grains, int grainCount, int callCount, int seed, string tenant = "probe")
    {
        var (type, interfaceType) = Types(grains);
        var keys = Enumerable.Range(0, grainCount).Select(i => CustomerKey.Format(tenant, "c" + i.ToString("D7", CultureInfo.InvariantCulture))).ToArray();
        IProbeGrain Probe(string key) => (IProbeGrain)grains.GetGrain(GrainId.Create(type, key), interfaceType);

        var (activations, activationCost, activationCpu) = await DriveAsync(grainCount, i => Probe(keys[i]).TouchAsync(i));
        var random = new Random(seed);
        var targets = Enumerable.Range(0, callCount).Select(_ => keys[random.Next(grainCount)]).ToArray();
        var (calls, callCost, callCpu) = await DriveAsync(callCount, i => Probe(targets[i]).TouchAsync(i));
        return new Result(activations, activationCost, activationCpu, calls, callCost, callCpu);
    }

    /// <summary>The grain type and interface type of the probe, read once (as <see cref="CustomerGrains.GetCustomer"/> does).</summary>
    private static (GrainType Type, GrainInterfaceType Interface) Types(IGrainFactory grains)
    {
        var reference = (GrainReference)grains.GetGrain<IProbeGrain>("probe/types");
        return (reference.GrainId.Type, reference.InterfaceType);
    }

    private static async Task<(double Rate, string Cost, double Cpu)> DriveAsync(int count, Func<int, Task<int>> call)
    {
        var cost = ProcessCost.Start();
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, _) =>
        {
            if (await call(i) != i) throw new InvalidOperationException($"probe call {i} answered another value");
        });
        var seconds = clock.Elapsed.TotalSeconds;
        var spent = cost.Stop(count, seconds);
        return (count / seconds, spent, cost.CpuPerLine);
    }
}
