namespace SmartRules.Domain.Evaluation.Tracing;

/// <summary>
/// A trigger judged in one round: whether it fired, the values it compared (the threshold's field before and after;
/// null for created / created-or-updated) and a sentence saying why.
/// </summary>
public sealed record TriggerTrace(bool Fired, object? Before, object? After, string Reason);
