using SmartRules.Domain.Customers;

namespace SmartRules.Persistence.Customers;

/// <summary>A customer's row as read: the customer, the last sequence applied, the row's version, the backfills it received.</summary>
public sealed record StoredCustomer(CustomerSnapshot Customer, long? LastSequence, long Version, IReadOnlyList<string> AppliedBackfills);
