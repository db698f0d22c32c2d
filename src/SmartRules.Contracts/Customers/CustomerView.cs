namespace SmartRules.Contracts.Customers;

/// <summary>A customer as clients see it (API.md "GET /api/customers/{id}").</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.CustomerView")]
public sealed record CustomerView(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Name,
    [property: Id(2)] decimal OutstandingAmount,
    [property: Id(3)] decimal DueAmount,
    [property: Id(4)] decimal OverdueAmount,
    [property: Id(5)] string? Rating,
    [property: Id(6)] decimal? AveragePaymentDelayDays,
    [property: Id(7)] IReadOnlyDictionary<string, string> CustomFields,
    [property: Id(8)] IReadOnlyList<string> AssignedUsers,
    [property: Id(9)] string? Workflow,
    [property: Id(10)] IReadOnlyList<string> PaymentMethods,
    [property: Id(11)] bool Excluded,
    [property: Id(12)] long Version);
