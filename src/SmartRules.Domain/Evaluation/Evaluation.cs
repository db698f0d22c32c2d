using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules.Actions;

namespace SmartRules.Domain.Evaluation;

/// <summary>
/// What the rules did with one external change: the customer after every round, the audit entries that explain
/// each firing and each rule that matched but did not act, the firings, and the notifications to send. A struct,
/// so that evaluating a change that fires nothing allocates nothing.
/// </summary>
public readonly struct Evaluation
{
    internal Evaluation(CustomerSnapshot customer, IReadOnlyList<AuditEntry> audit, IReadOnlyList<RuleFiring> firings, IReadOnlyList<PlannedNotification> notifications, int rounds)
    {
        Customer = customer;
        Audit = audit;
        Firings = firings;
        Notifications = notifications;
        Rounds = rounds;
    }

    public CustomerSnapshot Customer { get; }

    public IReadOnlyList<AuditEntry> Audit { get; }

    public IReadOnlyList<RuleFiring> Firings { get; }

    public IReadOnlyList<PlannedNotification> Notifications { get; }

    /// <summary>The number of rounds in which at least one rule matched (0 when none did): the cascade depth.</summary>
    public int Rounds { get; }

    public bool AnyRuleMatched => Audit.Count > 0;

    internal static Evaluation NothingMatched(CustomerSnapshot customer) => new(customer, [], [], [], 0);
}
