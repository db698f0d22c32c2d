namespace SmartRules.Domain.Customers;

/// <summary>
/// One external change to a customer with merge semantics: absent properties keep their value; a present
/// property replaces it. <c>null</c> clears the name, rating, delay or workflow; custom fields merge by name
/// (a <c>null</c> or empty value removes that field); assigned users and payment methods replace the whole set.
/// Values are expected to be validated already (users canonical, workflow known); the API layer does that.
/// </summary>
public sealed record CustomerUpdate
{
    public Optional<string?> Name { get; init; }

    public Optional<decimal> OutstandingAmount { get; init; }

    public Optional<decimal> DueAmount { get; init; }

    public Optional<decimal> OverdueAmount { get; init; }

    public Optional<Rating?> Rating { get; init; }

    public Optional<decimal?> AveragePaymentDelayDays { get; init; }

    /// <summary>Custom fields to set (non-empty value) or remove (<c>null</c> or ""); others are kept.</summary>
    public IReadOnlyDictionary<string, string?>? CustomFields { get; init; }

    public Optional<string?> Workflow { get; init; }

    /// <summary>Replaces the assigned users when present.</summary>
    public IReadOnlyCollection<string>? AssignedUsers { get; init; }

    /// <summary>Replaces the enabled payment methods when present.</summary>
    public PaymentMethods? PaymentMethods { get; init; }

    public static readonly CustomerUpdate None = new();

    /// <summary>
    /// The customer after this update. With <see cref="RatingSource.DerivedFromDelay"/> the rating follows the
    /// resulting delay (a sent rating is refused before it gets here, see <see cref="CustomerUpdateChecks"/>).
    /// </summary>
    public CustomerSnapshot ApplyTo(CustomerSnapshot current, RatingSource ratingSource = RatingSource.Provided)
    {
        ArgumentNullException.ThrowIfNull(current);
        var delay = AveragePaymentDelayDays.GetValueOrDefault(current.AveragePaymentDelayDays);
        var rating = ratingSource == RatingSource.DerivedFromDelay
            ? Ratings.FromDelay(delay)
            : Rating.GetValueOrDefault(current.Rating);
        var next = current with
        {
            Name = Name.GetValueOrDefault(current.Name),
            OutstandingAmount = OutstandingAmount.GetValueOrDefault(current.OutstandingAmount),
            DueAmount = DueAmount.GetValueOrDefault(current.DueAmount),
            OverdueAmount = OverdueAmount.GetValueOrDefault(current.OverdueAmount),
            Rating = rating,
            AveragePaymentDelayDays = delay,
            CustomFields = CustomFields is null ? current.CustomFields : current.CustomFields.With(CustomFields),
            Workflow = Workflow.GetValueOrDefault(current.Workflow),
            AssignedUsers = AssignedUsers is null ? current.AssignedUsers : Replace(current.AssignedUsers, AssignedUsers),
            PaymentMethods = PaymentMethods ?? current.PaymentMethods,
        };
        return next == current ? current : next;
    }

    private static UserSet Replace(UserSet current, IReadOnlyCollection<string> users)
    {
        var replacement = UserSet.From(users);
        return replacement.Equals(current) ? current : replacement;
    }
}
