using Npgsql;
using SmartRules.Domain.Customers;

namespace SmartRules.Persistence.Customers;

/// <summary>How a row of <c>customers</c> is selected and read, for the grain storage and the queries alike.</summary>
public static class CustomerRows
{
    /// <summary>The columns <see cref="ReadSnapshot"/> reads, in order, starting at its offset.</summary>
    public const string SnapshotColumns = """
        name, outstanding_amount, due_amount, overdue_amount, rating, average_payment_delay_days,
        custom_fields::text, assigned_users::text, workflow, payment_methods::text, excluded
        """;

    public const int SnapshotColumnCount = 11;

    public static CustomerSnapshot ReadSnapshot(NpgsqlDataReader reader, int offset, string customerId, StringPool pool) => new()
    {
        Id = customerId,
        Name = reader.IsDBNull(offset) ? null : reader.GetString(offset),
        OutstandingAmount = reader.GetDecimal(offset + 1),
        DueAmount = reader.GetDecimal(offset + 2),
        OverdueAmount = reader.GetDecimal(offset + 3),
        Rating = reader.IsDBNull(offset + 4) ? null : Ratings.TryParse(reader.GetString(offset + 4), out var rating) ? rating : null,
        AveragePaymentDelayDays = reader.IsDBNull(offset + 5) ? null : reader.GetDecimal(offset + 5),
        CustomFields = CustomerJson.ReadCustomFields(reader.GetString(offset + 6), pool),
        AssignedUsers = UserSet.From(CustomerJson.ReadStrings(reader.GetString(offset + 7))),
        Workflow = reader.IsDBNull(offset + 8) ? null : pool.Share(reader.GetString(offset + 8)),
        PaymentMethods = CustomerJson.ReadStrings(reader.GetString(offset + 9))
            .Aggregate(PaymentMethods.None, (all, n) => PaymentMethodNames.TryParse(n, out var m) ? all | m : all),
        Excluded = reader.GetBoolean(offset + 10),
    };
}
