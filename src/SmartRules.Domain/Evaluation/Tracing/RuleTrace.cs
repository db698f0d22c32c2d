using SmartRules.Domain.Audit;
using SmartRules.Domain.Rules;

namespace SmartRules.Domain.Evaluation.Tracing;

/// <summary>
/// One active rule in an <see cref="EvaluationTrace"/>: the round that decided it (else round 1), its trigger and
/// conditions as judged in that round, its outcome, and — when it fired — the fields its action changed (before is
/// the state just before its action).
/// </summary>
public sealed class RuleTrace(CompiledRule rule)
{
    public CompiledRule Rule { get; } = rule;

    public int Round { get; internal set; }

    public RuleOutcome Outcome { get; internal set; }

    public TriggerTrace? Trigger { get; internal set; }

    public IReadOnlyList<ConditionTrace> Conditions { get; internal set; } = [];

    /// <summary>The fields the action changed; empty for a rule that did not fire or whose action changed no field
    /// (a notification, or values the customer already had).</summary>
    public IReadOnlyList<FieldChange> Effect { get; internal set; } = [];

    /// <summary>Why it lost, was skipped or not reached; what a firing skipped; or the notification it planned.</summary>
    public string? Note { get; internal set; }
}
