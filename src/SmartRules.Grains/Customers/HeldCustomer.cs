using SmartRules.Domain.Customers;

namespace SmartRules.Grains.Customers;

/// <summary>
/// A customer's values held in place in its grain's <see cref="CustomerState"/>, field by field, instead of as a reference
/// to the <see cref="CustomerSnapshot"/> its last change made. An update changes amounts, a rating, a delay: values that
/// are copied into the long-lived state, where a reference to each change's new snapshot would leave that snapshot alive
/// in the grain for the next gen0 collection to find, mark and copy — one survivor per update, which lengthened every
/// gen0 pause about fivefold in the grain floor (docs/benchmarks.md, change 28). The reference fields (name, custom
/// fields, users, workflow) are the ones an update rarely changes, so they keep pointing at old objects.
/// </summary>
internal readonly struct HeldCustomer
{
    private readonly string? _id; // null: no customer yet (a test checks that there is one field per property of the snapshot)
    private readonly string? _name;
    private readonly decimal _outstanding;
    private readonly decimal _due;
    private readonly decimal _overdue;
    private readonly decimal? _delay;
    private readonly CustomFields? _customFields;
    private readonly UserSet? _users;
    private readonly string? _workflow;
    private readonly Rating? _rating;
    private readonly PaymentMethods _paymentMethods;
    private readonly bool _excluded;

    public HeldCustomer(CustomerSnapshot? customer)
    {
        if (customer is null) return;
        // The id is what tells a customer from none: a snapshot always has one (it is required).
        _id = customer.Id ?? throw new ArgumentException("A customer snapshot has an id.", nameof(customer));
        _name = customer.Name;
        _outstanding = customer.OutstandingAmount;
        _due = customer.DueAmount;
        _overdue = customer.OverdueAmount;
        _delay = customer.AveragePaymentDelayDays;
        _customFields = customer.CustomFields;
        _users = customer.AssignedUsers;
        _workflow = customer.Workflow;
        _rating = customer.Rating;
        _paymentMethods = customer.PaymentMethods;
        _excluded = customer.Excluded;
    }

    /// <summary>Whether a customer is held.</summary>
    public bool Exists => _id is not null;

    /// <summary>A new snapshot of the values held, or <c>null</c> when there is no customer.</summary>
    public CustomerSnapshot? ToSnapshot() => _id is null ? null : new CustomerSnapshot
    {
        Id = _id,
        Name = _name,
        OutstandingAmount = _outstanding,
        DueAmount = _due,
        OverdueAmount = _overdue,
        AveragePaymentDelayDays = _delay,
        CustomFields = _customFields!,
        AssignedUsers = _users!,
        Workflow = _workflow,
        Rating = _rating,
        PaymentMethods = _paymentMethods,
        Excluded = _excluded,
    };
}
