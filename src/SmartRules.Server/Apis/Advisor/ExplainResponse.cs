using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SmartRules.Server.Apis.Advisor;

/// <summary>What a real update would do and why: the customer after it, the fields the update itself changed, and
/// every active rule (and the draft) in rule-set order. Nothing was written.</summary>
public sealed record ExplainResponse(CustomerResponse Customer, IReadOnlyList<string> Changed, IReadOnlyList<RuleExplanationResponse> Rules);

/// <summary>One rule: the round that decided it (else round 1), its outcome, trigger, conditions and effect.</summary>
public sealed record RuleExplanationResponse(
    string RuleId,
    int RuleVersion,
    string Name,
    int Round,
    [property: Description("fired, notTriggered, conditionsFailed, lostConflict, skipped or notReached")] string Outcome,
    TriggerExplanationResponse Trigger,
    IReadOnlyList<ConditionExplanationResponse> Conditions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never), Description("For a fired rule: the fields its action changed, before (the state just before its action) and after; null otherwise.")] EffectResponse? Effect,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never), Description("Why it lost a conflict, was skipped or not reached; what a firing skipped or notified.")] string? Note);

public sealed record TriggerExplanationResponse(
    string Type,
    bool Fired,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never), Description("The threshold's field before the change (null for created / created-or-updated).")] JsonNode? Before,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? After,
    string Reason);

public sealed record ConditionExplanationResponse(
    string Field,
    string Operator,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never), Description("The customer's value on the state the rule was judged on; null when unset.")] JsonNode? Actual,
    bool Passed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never), Description("For a near miss: differs only in letter case, surrounding blanks, a list written as text, a missing field.")] string? Hint);

public sealed record EffectResponse(JsonObject Before, JsonObject After);
