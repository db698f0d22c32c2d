using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;

namespace SmartRules.Domain.Evaluation;

/// <summary>
/// One external change, start to finish: refuse it if the customer is excluded, merge it, decide whether anything
/// changed, and run the rules. This is where a customer grain hands a change to the domain.
/// </summary>
public static class CustomerProcessor
{
    /// <param name="current">The customer as stored, or <c>null</c> when it does not exist yet.</param>
    public static ChangeOutcome Apply(
        CustomerSnapshot? current,
        string customerId,
        CustomerUpdate update,
        CompiledRuleSet rules,
        ITenantDirectory directory,
        RatingSource ratingSource = RatingSource.Provided)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(directory);
        if (current is { Excluded: true })
        {
            return new(ChangeStatus.RefusedExcluded, current, [], [], [], 0);
        }

        var created = current is null;
        var before = current ?? CustomerSnapshot.BeforeCreation(customerId);
        var after = update.ApplyTo(before, ratingSource);
        if (!created && after.Equals(before))
        {
            return new(ChangeStatus.Unchanged, before, [], [], [], 0);
        }

        var updateEntry = new AuditEntry(AuditKind.Update, SnapshotDiff.Between(before, after), Note: created ? "customer created" : null);
        var evaluation = rules.Evaluate(before, after, created, directory);
        return new(
            created ? ChangeStatus.Created : ChangeStatus.Updated,
            evaluation.Customer,
            [updateEntry, .. evaluation.Audit],
            evaluation.Firings,
            evaluation.Notifications,
            evaluation.Rounds);
    }
}
