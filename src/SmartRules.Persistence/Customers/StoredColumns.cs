using SmartRules.Domain.Customers;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// The jsonb columns of a customer's row as the row holds them at the version a write expects (<see cref="CustomerWrite.Stored"/>):
/// a write leaves out those it would not change. A value, not the customer snapshot they came from, so that a grain can
/// keep them without keeping that snapshot alive (see the grain's <c>HeldCustomer</c>).
/// </summary>
public readonly record struct StoredColumns(CustomFields CustomFields, UserSet AssignedUsers, PaymentMethods PaymentMethods)
{
    public static StoredColumns Of(CustomerSnapshot customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return new(customer.CustomFields, customer.AssignedUsers, customer.PaymentMethods);
    }
}
