namespace SmartRules.Contracts;

/// <summary>One invalid input, at a field path such as <c>conditions[1].operator</c> (RFC 9457 <c>errors</c>).</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.FieldProblem")]
public sealed record FieldProblem([property: Id(0)] string Path, [property: Id(1)] string Message);
