using System.Text.Json.Serialization;
using SmartRules.Contracts.Rules;

namespace SmartRules.Contracts.Backfills;

public enum BackfillKind
{
    /// <summary>One rule (pinned at its version when the backfill starts) onto the existing customers it matches.</summary>
    Rule,

    /// <summary>Every active rule, one round per customer with first-rule-wins, then the usual cascade.</summary>
    AllActiveRules,

    /// <summary>A manual action on the customers a filter selects: assign a workflow, or add/remove users.</summary>
    BulkAction,
}

/// <summary>What a backfill does (API.md "Backfills and bulk actions").</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.BackfillRequest")]
public sealed record BackfillRequest(
    [property: Id(0)] BackfillKind Kind,
    [property: Id(1)] string? RuleId = null,
    [property: Id(2)] IReadOnlyList<ConditionDto>? Conditions = null,
    [property: Id(3)] string? WorkflowId = null,
    [property: Id(4)] IReadOnlyList<string>? AddUsers = null,
    [property: Id(5)] IReadOnlyList<string>? RemoveUsers = null);

/// <summary>The work a customer grain receives for one backfill: the rules pinned at the start, or the bulk action.</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.BackfillWork")]
public sealed record BackfillWork(
    [property: Id(0)] string BackfillId,
    [property: Id(1)] BackfillRequest Request,
    [property: Id(2)] IReadOnlyList<RuleRecord> PinnedRules);

public enum BackfillOutcome
{
    /// <summary>The customer does not exist (any more).</summary>
    Missing,

    /// <summary>Excluded customers are never touched.</summary>
    Excluded,

    /// <summary>The customer does not match (now).</summary>
    NotMatched,

    /// <summary>It matched, but the action changed nothing (users already there, say).</summary>
    Unchanged,

    /// <summary>Applied now.</summary>
    Applied,

    /// <summary>Applied before, by an earlier delivery of the same backfill: nothing done again.</summary>
    AlreadyApplied,
}

/// <summary>Wire names for GET /api/backfills/{id} (the response opts in with JsonStringEnumConverter).</summary>
public enum BackfillStatus
{
    [JsonStringEnumMemberName("running")]
    Running,

    [JsonStringEnumMemberName("completed")]
    Completed,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>API.md "GET /api/backfills/{id}".</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.BackfillProgress")]
public sealed record BackfillProgress(
    [property: Id(0)] string BackfillId,
    [property: Id(1)] BackfillStatus Status,
    [property: Id(2)] long Total,
    [property: Id(3)] long Processed,
    [property: Id(4)] long Matched,
    [property: Id(5)] long Applied,
    [property: Id(6)] string? Error = null);
