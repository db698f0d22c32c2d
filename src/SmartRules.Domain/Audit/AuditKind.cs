using System.Text.Json.Serialization;

namespace SmartRules.Domain.Audit;

/// <summary>What an audit entry records. Wire names: update, ruleFired, ruleSkipped, excluded.</summary>
public enum AuditKind
{
    /// <summary>The external change itself (the fields it changed).</summary>
    [JsonStringEnumMemberName("update")]
    Update,

    /// <summary>A rule fired and its action took effect.</summary>
    [JsonStringEnumMemberName("ruleFired")]
    RuleFired,

    /// <summary>A rule matched but did not act: it lost a conflict, the customer was excluded earlier in the round,
    /// or nothing it names could be used (unknown workflow, no resolvable user or recipient).</summary>
    [JsonStringEnumMemberName("ruleSkipped")]
    RuleSkipped,

    /// <summary>A rule excluded the customer.</summary>
    [JsonStringEnumMemberName("excluded")]
    Excluded,
}
