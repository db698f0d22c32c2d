namespace SmartRules.Domain.Customers;

/// <summary>
/// Everything the rules can see of one customer at one moment. Immutable: an update or an action makes a new
/// snapshot, and two snapshots are equal when every property has the same value (7000 equals 7000.00), which is
/// how "an update that changes nothing is not a change" is decided.
/// </summary>
public sealed record CustomerSnapshot
{
    /// <summary>The tenant-scoped external id.</summary>
    public required string Id { get; init; }

    public string? Name { get; init; }

    public decimal OutstandingAmount { get; init; }

    public decimal DueAmount { get; init; }

    public decimal OverdueAmount { get; init; }

    /// <summary>A to D, or <c>null</c> for unrated.</summary>
    public Rating? Rating { get; init; }

    /// <summary>Average payment delay in days, negative for early payers, <c>null</c> when unknown.</summary>
    public decimal? AveragePaymentDelayDays { get; init; }

    public CustomFields CustomFields { get; init; } = CustomFields.Empty;

    public UserSet AssignedUsers { get; init; } = UserSet.Empty;

    /// <summary>The one workflow assigned, by id, or <c>null</c>.</summary>
    public string? Workflow { get; init; }

    public PaymentMethods PaymentMethods { get; init; }

    /// <summary>Irreversible: once set, the customer takes no more updates and no rule touches it.</summary>
    public bool Excluded { get; init; }

    /// <summary>
    /// The state a new customer starts from and its first change is compared with: amounts 0, unrated, delay
    /// unknown (which the delay threshold reads as 0), nothing assigned.
    /// </summary>
    public static CustomerSnapshot BeforeCreation(string id) => new() { Id = id };
}
