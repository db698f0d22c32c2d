using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using TraceLog = Microsoft.Diagnostics.Tracing.Etlx.TraceLog;
using Microsoft.Diagnostics.Tracing.Analysis;
using Microsoft.Diagnostics.Tracing.Analysis.GC;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Where a process's time or memory went, from a trace of dotnet-trace (docs/benchmarks.md, "Profiling"):
//   dotnet run -c Release --project bench/SmartRules.TraceReader -- processes TRACE
//   dotnet run -c Release --project bench/SmartRules.TraceReader -- cpu TRACE PID [TOP]         hottest frames, exclusive and inclusive
//   dotnet run -c Release --project bench/SmartRules.TraceReader -- ours TRACE PID [TOP]        each sample charged to the nearest frame of ours
//   dotnet run -c Release --project bench/SmartRules.TraceReader -- under TRACE PID TEXT [TOP]  samples below a frame whose name holds TEXT, by leaf
//   dotnet run -c Release --project bench/SmartRules.TraceReader -- alloc TRACE PID [TOP]       allocation samples by allocating frame and by type
//   dotnet run -c Release --project bench/SmartRules.TraceReader -- jit TRACE [TOP]             methods compiled, longest first, and by namespace
//   dotnet run -c Release --project bench/SmartRules.TraceReader -- gc TRACE [PID]              each collection: pause, promoted, marking by root kind
// CPU samples: `dotnet-trace collect-linux --profile cpu-sampling` (the kernel's samples of every process, with native
// and kernel frames; `processes` names their ids); allocations: `dotnet-trace collect -p PID --profile gc-verbose`; the
// JIT: `dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x10:5`; collections:
// `dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:4`. (`collect`'s own sampler,
// dotnet-sampled-thread-time, samples waiting threads too: wall time, not CPU, so it is not read here.) The first read
// of a trace writes its index (.etlx) beside it.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: processes|cpu|ours|under|alloc|jit|gc TRACE [PID] [TEXT] [TOP] (see Program.cs)");
    return 2;
}

var (command, path) = (args[0], args[1]);
if (!File.Exists(path))
{
    Console.Error.WriteLine($"no trace at '{path}'");
    return 2;
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
var etlx = path.EndsWith(".etlx", StringComparison.Ordinal)
    ? path
    : TraceLog.CreateFromEventPipeDataFile(path, null, new TraceLogOptions { ContinueOnError = true });
using var log = TraceLog.OpenOrConvert(etlx);
switch (command)
{
    case "processes":
        Samples.Processes(log);
        return 0;
    case "cpu":
        Samples.Hottest(log, Arg(2, 0), Arg(3, 40));
        return 0;
    case "ours":
        Samples.Ours(log, Arg(2, 0), Arg(3, 40));
        return 0;
    case "under" when args.Length > 3:
        Samples.Under(log, Arg(2, 0), args[3], Arg(4, 40));
        return 0;
    case "alloc":
        Allocations.Print(log, Arg(2, 0), Arg(3, 40));
        return 0;
    case "jit":
        Compilations.Print(log, Arg(2, 40));
        return 0;
    case "gc":
        Collections.Print(log, Arg(2, 0));
        return 0;
    default:
        Console.Error.WriteLine($"unknown command '{command}' (or missing arguments): see Program.cs");
        return 2;
}

/// <summary>A frame's printed name: its method, else its module.</summary>
internal static class Frames
{
    public static string Name(TraceCallStack frame) =>
        frame.CodeAddress.FullMethodName is { Length: > 0 } method ? method : frame.CodeAddress.ModuleName + "!?";

    /// <summary>A managed frame's name has its parameters in parentheses; a native one (a module without symbols, a
    /// kernel function) has none.</summary>
    public static bool IsManaged(string name) => name.Contains('(', StringComparison.Ordinal);

    /// <summary>
    /// The assembly a frame's method is in, and where its name starts in the frame's name: a Linux-wide trace names a
    /// method "instance void [SmartRules.Grains] SmartRules.Grains.X::M(…)", its assembly the last bracket followed by a
    /// space before the method (a return or parameter type's assembly, "[SmartRules.Contracts]SmartRules…", is followed
    /// by no space); an EventPipe trace names it "SmartRules.Grains.X.M(…)", with no assembly: then the first two parts of
    /// its namespace stand for it.
    /// </summary>
    public static (string Assembly, int TypeAt) AssemblyOf(string name)
    {
        var methodAt = name.IndexOf("::", StringComparison.Ordinal);
        var limit = methodAt < 0 ? name.Length : methodAt;
        (string, int)? found = null;
        for (var open = name.IndexOf('[', StringComparison.Ordinal); open >= 0 && open < limit; open = name.IndexOf('[', open + 1))
        {
            var close = name.IndexOf(']', open + 1);
            if (close > open && close + 1 < name.Length && name[close + 1] == ' ' && close < limit) found = (name[(open + 1)..close], close + 2);
        }

        return found ?? (string.Join('.', name.Split('(')[0].Split('.').Take(2)), 0);
    }

    public static IEnumerable<TraceCallStack> LeafToRoot(TraceCallStack leaf)
    {
        for (var frame = leaf; frame is not null; frame = frame.Caller) yield return frame;
    }

    public static string Short(string name, int width = 180) => name.Length > width ? name[..width] : name;

    public static void PrintShares(IEnumerable<KeyValuePair<string, double>> weights, double total, int top)
    {
        foreach (var (name, weight) in weights.OrderByDescending(w => w.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100 * weight / total,6:F2} %  {Short(name)}"));
        }
    }
}

/// <summary>CPU samples: the <c>cpu</c> events of a <c>collect-linux</c> trace.</summary>
internal static class Samples
{
    private static bool IsCpuSample(TraceEvent e) => e.EventName == "cpu";

    /// <summary>Each CPU sample of a process as its frames' names, leaf first.</summary>
    private static IEnumerable<List<string>> Of(TraceLog log, int processId) =>
        log.Events.Where(e => e.ProcessID == processId && IsCpuSample(e)).Select(e => e.CallStack()).OfType<TraceCallStack>()
            .Select(stack => Frames.LeafToRoot(stack).Select(Frames.Name).ToList());

    public static void Processes(TraceLog log)
    {
        var byProcess = log.Events.Where(IsCpuSample).GroupBy(e => (e.ProcessID, e.ProcessName)).Select(g => (g.Key, Count: g.Count()));
        foreach (var ((id, name), count) in byProcess.OrderByDescending(p => p.Count))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,8} samples  pid {id}  {name}"));
        }
    }

    public static void Hottest(TraceLog log, int processId, int top)
    {
        var exclusive = new Dictionary<string, double>();
        var inclusive = new Dictionary<string, double>();
        var total = 0;
        foreach (var names in Of(log, processId))
        {
            total++;
            exclusive[names[0]] = exclusive.GetValueOrDefault(names[0]) + 1;
            foreach (var name in names.Distinct()) inclusive[name] = inclusive.GetValueOrDefault(name) + 1;
        }

        Console.WriteLine($"{total:N0} samples of process {processId}; exclusive:");
        Frames.PrintShares(exclusive, total, top);
        Console.WriteLine("inclusive:");
        Frames.PrintShares(inclusive, total, top);
    }

    /// <summary>
    /// Each sample charged to the nearest frame of SmartRules' code on its stack (with what it called in libraries), else
    /// to the library of its nearest managed frame (thread pool, Orleans' runtime, the GC's allocation helpers called from
    /// it), else to the native module of its leaf (the GC's and the JIT's own threads, the kernel).
    /// </summary>
    public static void Ours(TraceLog log, int processId, int top)
    {
        var charged = new Dictionary<(string Kind, string Frame), double>();
        var total = 0;
        foreach (var names in Of(log, processId))
        {
            total++;
            var key = Charge(names);
            charged[key] = charged.GetValueOrDefault(key) + 1;
        }

        Console.WriteLine($"{total:N0} samples of process {processId}; by kind:");
        Frames.PrintShares(charged.GroupBy(c => c.Key.Kind).Select(g => KeyValuePair.Create(g.Key, g.Sum(c => c.Value))), total, 3);
        Console.WriteLine("by frame:");
        Frames.PrintShares(charged.Select(c => KeyValuePair.Create($"{c.Key.Kind,-8}{c.Key.Frame}", c.Value)), total, top);

        static (string Kind, string Frame) Charge(List<string> names)
        {
            foreach (var name in names.Where(Frames.IsManaged))
            {
                var (assembly, typeAt) = Frames.AssemblyOf(name);
                if (assembly.StartsWith("SmartRules.", StringComparison.Ordinal)) return ("ours", $"[{assembly}] {name[typeAt..].Split('(')[0]}");
            }

            return names.FirstOrDefault(Frames.IsManaged) is { } managed ? ("library", Frames.AssemblyOf(managed).Assembly) : ("native", names[0]);
        }
    }

    public static void Under(TraceLog log, int processId, string text, int top)
    {
        var leaves = new Dictionary<string, double>();
        var (total, below) = (0, 0);
        foreach (var names in Of(log, processId))
        {
            total++;
            if (!names.Any(n => n.Contains(text, StringComparison.Ordinal))) continue;
            below++;
            var leaf = names.FirstOrDefault(Frames.IsManaged) ?? names[0];
            leaves[leaf] = leaves.GetValueOrDefault(leaf) + 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total:N0} samples of process {processId}, {100.0 * below / Math.Max(1, total):F2} % below '{text}'; by their nearest managed frame:"));
        Frames.PrintShares(leaves, total, top);
    }
}

/// <summary>The runtime's allocation samples (one about every 100 KB, weighted by the amount they stand for).</summary>
internal static class Allocations
{
    public static void Print(TraceLog log, int processId, int top)
    {
        var byFrame = new Dictionary<string, double>();
        var byType = new Dictionary<string, double>();
        double total = 0;
        foreach (var e in log.Events.Where(e => e.ProcessID == processId && e.EventName.StartsWith("GC/AllocationTick", StringComparison.Ordinal)))
        {
            var amount = Convert.ToDouble(e.PayloadByName("AllocationAmount64") ?? e.PayloadByName("AllocationAmount") ?? 0, CultureInfo.InvariantCulture);
            total += amount;
            var type = e.PayloadByName("TypeName") as string ?? "?";
            byType[type] = byType.GetValueOrDefault(type) + amount;
            if (e.CallStack() is { } stack)
            {
                var frame = Frames.Name(stack);
                byFrame[frame] = byFrame.GetValueOrDefault(frame) + amount;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1e6:N0} MB sampled in process {processId}; by allocating frame:"));
        Frames.PrintShares(byFrame, total, top);
        Console.WriteLine("by type:");
        Frames.PrintShares(byType, total, top);
    }
}

/// <summary>Methods compiled during the trace (JIT verbose events): wall time from start to load, so a compilation that
/// waited for a core counts its wait too.</summary>
internal static class Compilations
{
    public static void Print(TraceLog log, int top)
    {
        var started = new Dictionary<(int, long), (double At, string Name)>();
        var done = new List<(double Ms, string Name)>();
        foreach (var e in log.Events.Where(e => e.ProviderName == "Microsoft-Windows-DotNETRuntime"))
        {
            if (e.PayloadByName("MethodID") is not { } idValue) continue;
            var key = (e.ProcessID, Convert.ToInt64(idValue, CultureInfo.InvariantCulture));
            if (e.EventName.StartsWith("Method/JittingStarted", StringComparison.Ordinal))
            {
                started[key] = (e.TimeStampRelativeMSec, $"{e.PayloadByName("MethodNamespace")}::{e.PayloadByName("MethodName")}");
            }
            else if (e.EventName.StartsWith("Method/LoadVerbose", StringComparison.Ordinal) && started.Remove(key, out var start))
            {
                done.Add((e.TimeStampRelativeMSec - start.At, start.Name));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{done.Count:N0} methods compiled, {done.Sum(d => d.Ms):N0} ms from start to load in all; longest:"));
        foreach (var (ms, name) in done.OrderByDescending(d => d.Ms).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ms,8:F1} ms  {Frames.Short(name)}"));
        }

        Console.WriteLine("by namespace (its first two parts):");
        var byNamespace = done.GroupBy(d => string.Join('.', d.Name.Split("::")[0].Split('.').Take(2)));
        foreach (var group in byNamespace.OrderByDescending(g => g.Sum(d => d.Ms)).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{group.Sum(d => d.Ms),8:N0} ms {group.Count(),6} methods  {group.Key}"));
        }
    }
}

/// <summary>
/// Each garbage collection of a process (GC events, informational): when, which generation, its pause, what it promoted,
/// and where each heap's marking went by root kind — stacks, handles, the old generation's cards ("older": the references
/// that long-lived objects hold to new ones), the finalization queue — which says what a gen0 pause is made of.
/// </summary>
internal static class Collections
{
    public static void Print(TraceLog log, int processId)
    {
        var source = log.Events.GetSource();
        source.NeedLoadedDotNetRuntimes();
        source.Process();
        // A trace of one process (dotnet-trace collect) needs no id: 0 takes the first process the runtime was seen in.
        var process = source.Processes().FirstOrDefault(p => processId == 0 ? p.LoadedDotNetRuntime() is not null : p.ProcessID == processId)
            ?? throw new InvalidOperationException($"no process {processId} in the trace");
        var runtime = process.LoadedDotNetRuntime() ?? throw new InvalidOperationException($"no .NET runtime seen in process {processId}");
        Console.WriteLine("   at s   #  gen  pause ms  promoted MB  mark ms by heap and root kind (the slowest heap first)");
        // A collection still running when the trace stopped has no pause, and its mark times are still timestamps.
        foreach (var gc in runtime.GC.GCs.Where(gc => gc.IsComplete))
        {
            var marks = gc.PerHeapMarkTimes is { Count: > 0 } perHeap
                ? string.Join("; ", perHeap.OrderByDescending(h => h.Value.MarkTimes.Where(ms => ms > 0).Sum()).Select(h => $"heap {h.Key}: {Kinds(h.Value.MarkTimes)}"))
                : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{gc.StartRelativeMSec / 1000,7:F1} {gc.Number,4} {gc.Generation,4} {gc.PauseDurationMSec,9:F1} {gc.PromotedMB,12:F1}  {marks}"));
        }
    }

    /// <summary>The root kinds that took any time, largest first, as "older 31.2, stack 4.0" (a kind the heap did not mark
    /// is -1).</summary>
    private static string Kinds(double[] times) =>
        string.Join(", ", times.Select((ms, kind) => (Ms: ms, Kind: (MarkRootType)kind))
            .Where(t => t.Ms >= 0.05).OrderByDescending(t => t.Ms)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{Name(t.Kind)} {t.Ms:F1}")));

    private static string Name(MarkRootType kind) => kind switch
    {
        MarkRootType.MarkStack => "stack",
        MarkRootType.MarkFQ => "finalization",
        MarkRootType.MarkHandles => "handles",
        MarkRootType.MarkOlder => "older",
        _ => kind.ToString(),
    };
}
