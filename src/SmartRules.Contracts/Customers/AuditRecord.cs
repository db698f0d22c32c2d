namespace SmartRules.Contracts.Customers;

/// <summary>
/// One audit entry (API.md "GET /api/customers/{id}/audit"). <see cref="BeforeJson"/> / <see cref="AfterJson"/> are
/// JSON objects holding only the fields that changed.
/// </summary>
[GenerateSerializer, Immutable, Alias("SmartRules.AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] string? RuleId,
    [property: Id(3)] int? RuleVersion,
    [property: Id(4)] string? Trigger,
    [property: Id(5)] string BeforeJson,
    [property: Id(6)] string AfterJson,
    [property: Id(7)] string? Note);
