using SmartRules.Domain.Rules.Actions;

namespace SmartRules.Domain.Evaluation;

/// <summary>A rule whose action took effect during one external change (API: <c>firedRules</c>).</summary>
public sealed record RuleFiring(string RuleId, int RuleVersion, ActionType Action);
