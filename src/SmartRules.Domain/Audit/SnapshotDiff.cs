using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Audit;

/// <summary>The fields that differ between two snapshots of one customer, for audit entries.</summary>
public static class SnapshotDiff
{
    /// <summary>The names of the customer's own fields in audit entries (custom fields are "customFields." + name).</summary>
    public static class Fields
    {
        public const string Name = "name";
        public const string OutstandingAmount = "outstandingAmount";
        public const string DueAmount = "dueAmount";
        public const string OverdueAmount = "overdueAmount";
        public const string Rating = "rating";
        public const string AveragePaymentDelayDays = "averagePaymentDelayDays";
        public const string AssignedUsers = "assignedUsers";
        public const string Workflow = "workflow";
        public const string PaymentMethods = "paymentMethods";
        public const string Excluded = "excluded";
    }

    /// <summary>Every name in <see cref="Fields"/>.</summary>
    public static readonly IReadOnlyList<string> CoreFields =
        [Fields.Name, Fields.OutstandingAmount, Fields.DueAmount, Fields.OverdueAmount, Fields.Rating, Fields.AveragePaymentDelayDays,
         Fields.AssignedUsers, Fields.Workflow, Fields.PaymentMethods, Fields.Excluded];

    public static IReadOnlyList<FieldChange> Between(CustomerSnapshot before, CustomerSnapshot after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before == after) return [];
        var changes = new List<FieldChange>();
        if (before.Name != after.Name) changes.Add(new(Fields.Name, before.Name, after.Name));
        if (before.OutstandingAmount != after.OutstandingAmount) changes.Add(new(Fields.OutstandingAmount, before.OutstandingAmount, after.OutstandingAmount));
        if (before.DueAmount != after.DueAmount) changes.Add(new(Fields.DueAmount, before.DueAmount, after.DueAmount));
        if (before.OverdueAmount != after.OverdueAmount) changes.Add(new(Fields.OverdueAmount, before.OverdueAmount, after.OverdueAmount));
        if (before.Rating != after.Rating) changes.Add(new(Fields.Rating, RatingName(before.Rating), RatingName(after.Rating)));
        if (before.AveragePaymentDelayDays != after.AveragePaymentDelayDays) changes.Add(new(Fields.AveragePaymentDelayDays, before.AveragePaymentDelayDays, after.AveragePaymentDelayDays));
        if (!before.CustomFields.Equals(after.CustomFields)) AddCustomFieldChanges(before.CustomFields, after.CustomFields, changes);
        if (!before.AssignedUsers.Equals(after.AssignedUsers)) changes.Add(new(Fields.AssignedUsers, before.AssignedUsers.ToArray(), after.AssignedUsers.ToArray()));
        if (before.Workflow != after.Workflow) changes.Add(new(Fields.Workflow, before.Workflow, after.Workflow));
        if (before.PaymentMethods != after.PaymentMethods) changes.Add(new(Fields.PaymentMethods, PaymentMethodNames.ToNames(before.PaymentMethods), PaymentMethodNames.ToNames(after.PaymentMethods)));
        if (before.Excluded != after.Excluded) changes.Add(new(Fields.Excluded, before.Excluded, after.Excluded));
        return changes;
    }

    private static string? RatingName(Rating? rating) => rating is { } r ? Ratings.Name(r) : null;

    /// <summary>Both sets are sorted by name (ordinal): one merge walk finds every name added, removed or changed.</summary>
    private static void AddCustomFieldChanges(CustomFields before, CustomFields after, List<FieldChange> changes)
    {
        using var old = before.GetEnumerator();
        using var now = after.GetEnumerator();
        var hasOld = old.MoveNext();
        var hasNow = now.MoveNext();
        while (hasOld || hasNow)
        {
            var order = !hasOld ? 1 : !hasNow ? -1 : string.CompareOrdinal(old.Current.Key, now.Current.Key);
            if (order < 0)
            {
                changes.Add(new("customFields." + old.Current.Key, old.Current.Value, null));
                hasOld = old.MoveNext();
            }
            else if (order > 0)
            {
                changes.Add(new("customFields." + now.Current.Key, null, now.Current.Value));
                hasNow = now.MoveNext();
            }
            else
            {
                if (!string.Equals(old.Current.Value, now.Current.Value, StringComparison.Ordinal))
                {
                    changes.Add(new("customFields." + now.Current.Key, old.Current.Value, now.Current.Value));
                }

                hasOld = old.MoveNext();
                hasNow = now.MoveNext();
            }
        }
    }
}
