using System.Diagnostics.Metrics;
using System.Text.Json;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;

namespace SmartRules.Grains.Telemetry;

/// <summary>
/// The SmartRules meter: what operators watch besides Orleans' and the runtime's own instruments. Static, like the
/// meters of the libraries it sits beside; every silo of a process adds to the same instruments.
/// </summary>
public static class SmartRulesMetrics
{
    public const string MeterName = "SmartRules";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> Updates = Meter.CreateCounter<long>(
        "smartrules.customer.updates", "{update}", "Customer updates by outcome: created, updated, unchanged, stale, rejected (invalid or excluded).");

    private static readonly Counter<long> Evaluations = Meter.CreateCounter<long>(
        "smartrules.rules.evaluations", "{change}", "Changes the rules were evaluated on.");

    private static readonly Counter<long> Firings = Meter.CreateCounter<long>(
        "smartrules.rules.firings", "{firing}", "Rule firings by action.");

    private static readonly Histogram<int> CascadeDepth = Meter.CreateHistogram<int>(
        "smartrules.rules.cascade_depth", "{round}", "Rounds in which some rule matched, per change that fired a rule.");

    private static readonly Counter<long> Notifications = Meter.CreateCounter<long>(
        "smartrules.notifications", "{attempt}", "Notification delivery attempts by channel and outcome: sent, retried, failed.");

    private static readonly Counter<long> BackfillCustomers = Meter.CreateCounter<long>(
        "smartrules.backfill.customers", "{customer}", "Customers handled by backfills, by outcome.");

    private static readonly Counter<long> FirstLoads = Meter.CreateCounter<long>(
        "smartrules.customer.first_loads", "{activation}",
        "How customer grains activated for an update found their customer: created_without_read, creation_found_row, read_new, read_stored.");

    /// <summary>The tag of each way, by its value: its name in snake case (<c>created_without_read</c>, …).</summary>
    private static readonly KeyValuePair<string, object?>[] FirstLoadTags =
        [.. Enum.GetValues<Customers.FirstLoad>().Order().Select(how => new KeyValuePair<string, object?>("how", JsonNamingPolicy.SnakeCaseLower.ConvertName(how.ToString())))];

    /// <summary>The name of <see cref="WriteBatch"/>'s size histogram (the load benchmark listens to it).</summary>
    public const string WriteBatchSizeName = "smartrules.store.batch_size";

    private static readonly Histogram<int> WriteBatchSize = Meter.CreateHistogram<int>(
        WriteBatchSizeName, "{write}", "Customer writes committed per group-commit batch.");

    /// <summary>The name of <see cref="WriteBatch"/>'s duration histogram (the load benchmark listens to it).</summary>
    public const string WriteBatchDurationName = "smartrules.store.batch_duration";

    private static readonly Histogram<double> WriteBatchDuration = Meter.CreateHistogram<double>(
        WriteBatchDurationName, "ms", "Duration of one group-commit batch, round trip and commit.");

    /// <summary>The name of <see cref="IngestedLine"/>'s histogram (the load benchmark listens to it).</summary>
    public const string IngestionLineDurationName = "smartrules.ingestion.line_duration";

    private static readonly Histogram<double> IngestionLineDuration = Meter.CreateHistogram<double>(
        IngestionLineDurationName, "ms", "Time of one NDJSON line from the handing to its customer grain to the grain's answer (the change durable).");

    private static long _updatesApplied;

    /// <summary>Updates that created or changed a customer in this process since it started (for the AppHost's status).</summary>
    public static long UpdatesApplied => Interlocked.Read(ref _updatesApplied);

    public static void Update(string outcome)
    {
        Updates.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome is "created" or "updated") Interlocked.Increment(ref _updatesApplied);
    }

    /// <summary>An evaluation and the actions its rules fired (an indexed list: this runs for every change, without an
    /// enumerator or a projection).</summary>
    public static void Evaluated(int rounds, IReadOnlyList<RuleFiring> firings)
    {
        Evaluations.Add(1);
        for (var i = 0; i < firings.Count; i++)
        {
            Firings.Add(1, new KeyValuePair<string, object?>("action", RuleVocabulary.Name(firings[i].Action)));
        }

        if (firings.Count > 0) CascadeDepth.Record(rounds);
    }

    /// <summary>How a customer grain activated for an update found its customer (<see cref="Customers.NewCustomerOdds"/>).</summary>
    public static void FirstLoad(Customers.FirstLoad how) => FirstLoads.Add(1, FirstLoadTags[(int)how]);

    public static void Notification(string channel, string outcome) =>
        Notifications.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));

    public static void Backfill(string outcome) => BackfillCustomers.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One NDJSON line answered by its customer grain, <paramref name="duration"/> after it was handed to it.</summary>
    public static void IngestedLine(TimeSpan duration) => IngestionLineDuration.Record(duration.TotalMilliseconds);

    /// <summary>A group-commit batch committed on <paramref name="shard"/>: the tag tells a saturated shard from the others.</summary>
    public static void WriteBatch(string shard, int size, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("shard", shard);
        WriteBatchSize.Record(size, tag);
        WriteBatchDuration.Record(duration.TotalMilliseconds, tag);
    }
}
