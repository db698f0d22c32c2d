namespace SmartRules.Contracts.Customers;

/// <summary>
/// One external change to a customer (API.md "PUT /api/customers/{id}"): absent properties keep their value; see
/// <see cref="Patch{T}"/>. Ratings are "A".."D"; payment methods by wire name.
/// </summary>
[GenerateSerializer, Immutable, Alias("SmartRules.CustomerUpdateCommand")]
public sealed record CustomerUpdateCommand
{
    [Id(0)] public Patch<string?> Name { get; init; }

    [Id(1)] public Patch<decimal> OutstandingAmount { get; init; }

    [Id(2)] public Patch<decimal> DueAmount { get; init; }

    [Id(3)] public Patch<decimal> OverdueAmount { get; init; }

    [Id(4)] public Patch<string?> Rating { get; init; }

    [Id(5)] public Patch<decimal?> AveragePaymentDelayDays { get; init; }

    /// <summary>Fields to set, or to remove with <c>null</c>; others are kept.</summary>
    [Id(6)] public IReadOnlyDictionary<string, string?>? CustomFields { get; init; }

    [Id(7)] public Patch<string?> Workflow { get; init; }

    /// <summary>Replaces the assigned users when present.</summary>
    [Id(8)] public IReadOnlyList<string>? AssignedUsers { get; init; }

    /// <summary>Replaces the enabled payment methods when present.</summary>
    [Id(9)] public IReadOnlyList<string>? PaymentMethods { get; init; }

    /// <summary>Per customer, increasing: an update whose sequence is not above the last applied one is stale.</summary>
    [Id(10)] public long? Sequence { get; init; }
}
