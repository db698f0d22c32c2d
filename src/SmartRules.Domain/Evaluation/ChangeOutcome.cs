using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules.Actions;

namespace SmartRules.Domain.Evaluation;

/// <summary>
/// The result of applying one external change to a customer and running the rules: the customer to store, the audit
/// entries to append (the update itself first, then what each rule did), the firings and the notifications to queue.
/// </summary>
public sealed record ChangeOutcome(
    ChangeStatus Status,
    CustomerSnapshot Customer,
    IReadOnlyList<AuditEntry> Audit,
    IReadOnlyList<RuleFiring> Firings,
    IReadOnlyList<PlannedNotification> Notifications,
    int Rounds)
{
    /// <summary>Whether there is anything to store.</summary>
    public bool Changed => Status is ChangeStatus.Created or ChangeStatus.Updated;
}
