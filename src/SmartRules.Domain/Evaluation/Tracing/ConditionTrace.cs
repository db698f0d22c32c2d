namespace SmartRules.Domain.Evaluation.Tracing;

/// <summary>One condition judged on the state of a round: its value as written, the customer's, and a near-miss hint.</summary>
public sealed record ConditionTrace(string Field, string Operator, object? Value, object? Actual, bool Passed, string? Hint);
