namespace SmartRules.Domain.Evaluation.Tracing;

/// <summary>What happened to one active rule during one external change (API.md, "Advisor").</summary>
public enum RuleOutcome
{
    /// <summary>Not judged yet; never left in a finished trace.</summary>
    Pending,

    /// <summary>Triggered, conditions held, and its action took effect.</summary>
    Fired,

    /// <summary>Its trigger did not fire.</summary>
    NotTriggered,

    /// <summary>Its trigger fired but a condition was false.</summary>
    ConditionsFailed,

    /// <summary>Matched, but an earlier rule set the workflow in that round.</summary>
    LostConflict,

    /// <summary>Matched, but its action could not apply (an unknown user, a vanished workflow).</summary>
    Skipped,

    /// <summary>Matched, but the cascade ended before it acted (the customer was excluded earlier in the round).</summary>
    NotReached,
}
