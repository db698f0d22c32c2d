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
        // Gathered in a list of the thread's and returned as an array of their number: a rule's action changes one or
        // two fields, and a list grown for them cost more than the changes.
        var changes = Scratch ??= new List<FieldChange>(32);
        changes.Clear();
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
        FieldChange[] result = [.. changes];
        changes.Clear();
        return result;
    }

    [ThreadStatic]
    private static List<FieldChange>? Scratch;

    private static string? RatingName(Rating? rating) => rating is { } r ? Ratings.Name(r) : null;

    /// <summary>Both sets are sorted by name (ordinal): one merge walk finds every name added, removed or changed.</summary>
    private static void AddCustomFieldChanges(CustomFields before, CustomFields after, List<FieldChange> changes)
    {
        var old = before.Sorted;
        var now = after.Sorted;
        int i = 0, j = 0;
        while (i < old.Length || j < now.Length)
        {
            var order = i == old.Length ? 1 : j == now.Length ? -1 : string.CompareOrdinal(old[i].Key, now[j].Key);
            if (order < 0)
            {
                changes.Add(new(AuditName(old[i].Key), old[i].Value, null));
                i++;
            }
            else if (order > 0)
            {
                changes.Add(new(AuditName(now[j].Key), null, now[j].Value));
                j++;
            }
            else
            {
                if (!string.Equals(old[i].Value, now[j].Value, StringComparison.Ordinal))
                {
                    changes.Add(new(AuditName(now[j].Key), old[i].Value, now[j].Value));
                }

                i++;
                j++;
            }
        }
    }

    /// <summary>How many custom-field names <see cref="AuditName"/> keeps.</summary>
    internal const int AuditNamesKept = 10_000;

    private static readonly BoundedStringMap AuditNames = new(AuditNamesKept);

    /// <summary>The audit entry's name of a custom field ("customFields." + name), made once per name: a tenant's fields are
    /// few and every creation names them all. Bounded: past <see cref="AuditNamesKept"/> names it is made each time
    /// (without taking every lock of a dictionary to find that out, docs/benchmarks.md, change 30).</summary>
    internal static string AuditName(string field) => AuditNames.GetOrAdd(field, static f => "customFields." + f);
}
