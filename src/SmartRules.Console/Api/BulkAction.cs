namespace SmartRules.Console.Api;

/// <summary>A bulk action: <c>assignWorkflow</c> with <see cref="WorkflowId"/>, or <c>setUsers</c> with users to add and remove.</summary>
public sealed record BulkAction(string Type, string? WorkflowId = null, IReadOnlyList<string>? Add = null, IReadOnlyList<string>? Remove = null);
