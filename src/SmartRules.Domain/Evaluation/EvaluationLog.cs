using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Actions;

namespace SmartRules.Domain.Evaluation;

/// <summary>Collects what an evaluation did; created only once some rule has matched.</summary>
internal sealed class EvaluationLog
{
    private readonly List<AuditEntry> _audit = [];
    private readonly List<RuleFiring> _firings = [];
    private List<PlannedNotification>? _notifications;

    public int Rounds { get; set; }

    public void Skipped(CompiledRule rule, string note) =>
        _audit.Add(new AuditEntry(AuditKind.RuleSkipped, [], rule.Id, rule.Version, RuleVocabulary.Name(rule.Trigger.Type), note));

    public void Fired(CompiledRule rule, CustomerSnapshot before, CustomerSnapshot after, string? note, PlannedNotification? notification)
    {
        var kind = rule.Action.Type == ActionType.Exclude ? AuditKind.Excluded : AuditKind.RuleFired;
        _audit.Add(new AuditEntry(kind, SnapshotDiff.Between(before, after), rule.Id, rule.Version, RuleVocabulary.Name(rule.Trigger.Type), note));
        _firings.Add(new RuleFiring(rule.Id, rule.Version, rule.Action.Type));
        if (notification is not null) (_notifications ??= []).Add(notification);
    }

    public Evaluation ToEvaluation(CustomerSnapshot customer) =>
        new(customer, _audit, _firings, (IReadOnlyList<PlannedNotification>?)_notifications ?? [], Rounds);
}
