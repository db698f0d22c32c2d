using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation.Tracing;
using SmartRules.Domain.Tenants;

namespace SmartRules.Domain.Evaluation;

/// <summary>
/// One external change, start to finish: refuse it if the customer is excluded, merge it, decide whether anything
/// changed, and run the rules. This is where a customer grain hands a change to the domain.
/// </summary>
public static class CustomerProcessor
{
    /// <summary>
    /// A backfill of rules onto an existing customer (<see cref="CompiledRuleSet.EvaluateExisting"/>). Nothing happens
    /// to an excluded customer or one the rules do not match; otherwise the outcome is an update, even when only a
    /// notification came of it, so that its audit entries are stored.
    /// </summary>
    public static ChangeOutcome ApplyExisting(CustomerSnapshot current, IReadOnlyList<Rules.CompiledRule> backfillRules, CompiledRuleSet rules, ITenantDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(rules);
        if (current.Excluded) return new(ChangeStatus.RefusedExcluded, current, [], [], [], 0);
        var evaluation = rules.EvaluateExisting(current, backfillRules, directory);
        return evaluation.AnyRuleMatched
            ? new(ChangeStatus.Updated, evaluation.Customer, evaluation.Audit, evaluation.Firings, evaluation.Notifications, evaluation.Rounds)
            : new(ChangeStatus.Unchanged, current, [], [], [], 0);
    }

    /// <param name="current">The customer as stored, or <c>null</c> when it does not exist yet.</param>
    /// <param name="note">Said on the update's audit entry (for example which bulk action made the change).</param>
    /// <param name="trace">Filled with every rule's judgement for explain; the outcome is the same with or without it.</param>
    public static ChangeOutcome Apply(
        CustomerSnapshot? current,
        string customerId,
        CustomerUpdate update,
        CompiledRuleSet rules,
        ITenantDirectory directory,
        RatingSource ratingSource = RatingSource.Provided,
        string? note = null,
        EvaluationTrace? trace = null)
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
            trace?.NothingChanged(rules.Rules, before);
            return new(ChangeStatus.Unchanged, before, [], [], [], 0);
        }

        var updateEntry = new AuditEntry(AuditKind.Update, SnapshotDiff.Between(before, after), Note: created ? "customer created" : note);
        var evaluation = rules.Evaluate(before, after, created, directory, trace);
        return new(
            created ? ChangeStatus.Created : ChangeStatus.Updated,
            evaluation.Customer,
            [updateEntry, .. evaluation.Audit],
            evaluation.Firings,
            evaluation.Notifications,
            evaluation.Rounds);
    }
}
