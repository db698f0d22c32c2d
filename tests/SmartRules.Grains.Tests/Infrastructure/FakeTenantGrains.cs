using System.Reflection;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;

namespace SmartRules.Grains.Tests.Infrastructure;

/// <summary>
/// An <see cref="IGrainFactory"/> whose rule-set and tenant grains answer from fields, count the snapshot calls, and
/// hold their answers until <see cref="Release"/> (when <see cref="Hold"/> was called) so that a test can pile up
/// concurrent callers behind one load. Every other grain call throws.
/// </summary>
public sealed class FakeTenantGrains
{
    private TaskCompletionSource _gate = Completed();
    private int _ruleSetLoads;
    private int _directoryLoads;

    public FakeTenantGrains(RuleSetSnapshot rules, TenantDirectorySnapshot directory)
    {
        Rules = rules;
        Directory = directory;
        Factory = GrainProxy.Create<IGrainFactory>(this);
    }

    public IGrainFactory Factory { get; }

    public RuleSetSnapshot Rules { get; set; }

    public TenantDirectorySnapshot Directory { get; set; }

    /// <summary>When set, the snapshot calls fail with it (after the gate).</summary>
    public Exception? Failure { get; set; }

    public int RuleSetLoads => Volatile.Read(ref _ruleSetLoads);

    public int DirectoryLoads => Volatile.Read(ref _directoryLoads);

    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    private async Task<RuleSetSnapshot> GetSnapshotAsync()
    {
        Interlocked.Increment(ref _ruleSetLoads);
        await _gate.Task;
        return Failure is { } failure ? throw failure : Rules;
    }

    private async Task<TenantDirectorySnapshot> GetDirectoryAsync()
    {
        Interlocked.Increment(ref _directoryLoads);
        await _gate.Task;
        return Failure is { } failure ? throw failure : Directory;
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    /// <summary>One proxy type for the factory and both grains: it dispatches on the method's name.</summary>
    public class GrainProxy : DispatchProxy
    {
        private FakeTenantGrains _owner = null!;

        internal static T Create<T>(FakeTenantGrains owner)
        {
            var proxy = DispatchProxy.Create<T, GrainProxy>();
            ((GrainProxy)(object)proxy!)._owner = owner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IGrainFactory.GetGrain) when targetMethod.ReturnType == typeof(IRuleSetGrain) => Create<IRuleSetGrain>(_owner),
            nameof(IGrainFactory.GetGrain) when targetMethod.ReturnType == typeof(ITenantGrain) => Create<ITenantGrain>(_owner),
            nameof(IRuleSetGrain.GetSnapshotAsync) => _owner.GetSnapshotAsync(),
            nameof(ITenantGrain.GetDirectoryAsync) => _owner.GetDirectoryAsync(),
            _ => throw new NotSupportedException($"{targetMethod?.DeclaringType?.Name}.{targetMethod?.Name} is not faked"),
        };
    }
}
