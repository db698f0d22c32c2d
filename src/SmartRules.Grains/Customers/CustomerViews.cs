using SmartRules.Contracts.Customers;
using SmartRules.Domain.Customers;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Customers;

/// <summary>The Domain's customer as the grain contract answers it (wire names for ratings and payment methods).</summary>
public static class CustomerViews
{
    public static CustomerView ToView(this CustomerSnapshot customer, long version) => new(
        customer.Id,
        customer.Name,
        customer.OutstandingAmount,
        customer.DueAmount,
        customer.OverdueAmount,
        customer.Rating is { } r ? Ratings.Name(r) : null,
        customer.AveragePaymentDelayDays,
        customer.CustomFields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal),
        customer.AssignedUsers.ToArray(),
        customer.Workflow,
        PaymentMethodNames.ToNames(customer.PaymentMethods),
        customer.Excluded,
        version);
}
