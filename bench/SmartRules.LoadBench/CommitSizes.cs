using System.Diagnostics.Metrics;
using System.Globalization;
using SmartRules.Grains.Telemetry;

namespace SmartRules.LoadBench;

/// <summary>
/// The group commit's batches during a phase, from the silo's <c>smartrules.store.batch_size</c> histogram: how many
/// statements and commits the phase's writes took, and how many writes each carried on average. A batch pays a round
/// trip, a statement and a commit whatever its size, so small batches cost PostgreSQL more a line.
/// </summary>
internal sealed class CommitSizes : IDisposable
{
    private readonly MeterListener _listener;
    private long _batches;
    private long _writes;

    public CommitSizes() =>
        _listener = SmartRulesInstrument.Listen<int>(SmartRulesMetrics.WriteBatchSizeName, (_, size, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _writes, size);
        });

    /// <summary>The batches so far, as "N commits of M writes on average".</summary>
    public string Describe()
    {
        var (batches, writes) = (Interlocked.Read(ref _batches), Interlocked.Read(ref _writes));
        return string.Create(CultureInfo.InvariantCulture, $"{batches:N0} commits of {(batches == 0 ? 0 : (double)writes / batches):N0} writes on average");
    }

    public void Dispose() => _listener.Dispose();
}
