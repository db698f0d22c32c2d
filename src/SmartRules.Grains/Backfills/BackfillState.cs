using SmartRules.Contracts.Backfills;
using SmartRules.Contracts.Rules;

namespace SmartRules.Grains.Backfills;

[GenerateSerializer, Alias("SmartRules.BackfillState")]
public sealed class BackfillState
{
    [Id(0)] public BackfillRequest? Request { get; set; }

    /// <summary>The rules as they were when the backfill started: later edits do not change a running backfill.</summary>
    [Id(1)] public List<RuleRecord> PinnedRules { get; set; } = [];

    [Id(2)] public BackfillStatus Status { get; set; }

    /// <summary>The last customer id of the last page fully handed out: the backfill resumes after it.</summary>
    [Id(3)] public string? Checkpoint { get; set; }

    [Id(4)] public long Total { get; set; }

    [Id(5)] public long Processed { get; set; }

    [Id(6)] public long Matched { get; set; }

    [Id(7)] public long Applied { get; set; }

    [Id(8)] public string? Error { get; set; }
}
