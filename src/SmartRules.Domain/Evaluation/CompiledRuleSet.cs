using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Triggers;
using SmartRules.Domain.Evaluation.Tracing;

namespace SmartRules.Domain.Evaluation;

/// <summary>
/// A tenant's active rules in rule-set order, compiled once, and the evaluator that runs them on a change.
/// <para>
/// Evaluation runs in rounds. In round 1 every rule is judged on the state after the external change, its trigger
/// comparing that state with the state before the change. The matching rules then act in rule-set order on a
/// working copy: the first rule to set a single-valued property (the workflow) wins it for the round, later ones
/// are audited as having lost the conflict; when a rule excludes the customer the rest of the round is skipped and
/// no further round runs. If the round changed the customer, round 2 judges the rules that have not yet matched on
/// the new state, comparing it with the state at the start of round 1, and so on. A rule matches at most once per
/// external change (losing a conflict uses that chance up), so there are at most as many rounds as rules and the
/// cascade always terminates.
/// </para>
/// Immutable and thread-safe: one instance serves every customer grain of a tenant on a silo.
/// </summary>
public sealed class CompiledRuleSet
{
    public const int MaxRules = 1_000;

    public static readonly CompiledRuleSet Empty = new(0, []);

    private readonly CompiledRule[] _rules;

    public CompiledRuleSet(long version, IEnumerable<CompiledRule> activeRulesInOrder)
    {
        ArgumentNullException.ThrowIfNull(activeRulesInOrder);
        _rules = [.. activeRulesInOrder];
        if (_rules.Length > MaxRules) throw new ArgumentException($"A rule set holds at most {MaxRules} rules.", nameof(activeRulesInOrder));
        Version = version;
    }

    /// <summary>The version of the tenant's rule set this was compiled from.</summary>
    public long Version { get; }

    public IReadOnlyList<CompiledRule> Rules => _rules;

    /// <summary>
    /// Runs the rules on one external change from <paramref name="before"/> to <paramref name="after"/>
    /// (<paramref name="created"/>: the change created the customer, and <paramref name="before"/> is then
    /// <see cref="CustomerSnapshot.BeforeCreation"/>). Allocates nothing when no rule matches.
    /// <paramref name="trace"/> (explain) records every rule's judgement and outcome; the decisions are the same.
    /// </summary>
    public Evaluation Evaluate(CustomerSnapshot before, CustomerSnapshot after, bool created, ITenantDirectory directory, EvaluationTrace? trace = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(directory);
        var rules = _rules;
        var changed = !ReferenceEquals(before, after) && !before.Equals(after);
        if (rules.Length == 0 || before.Excluded || (!created && !changed))
        {
            if (trace is not null && !before.Excluded) trace.NothingChanged(rules, after);
            return Evaluation.NothingMatched(after);
        }

        trace?.Begin(rules);
        Span<ulong> used = stackalloc ulong[(rules.Length + 63) >> 6];
        EvaluationLog? log = null;
        var current = RunRounds(rules, used, before, after, 1, created, changed, directory, ref log, trace);
        trace?.End();
        return log is null ? Evaluation.NothingMatched(after) : log.ToEvaluation(current);
    }

    /// <summary>
    /// Applies rules to a customer as it is now, for a backfill ("apply to existing customers"): the given rules —
    /// pinned when the backfill started, in rule-set order — act in one round on the customers they match as
    /// existing customers (<see cref="CompiledRule.MatchesExisting"/>: conditions hold and a threshold's value is
    /// beyond it), first rule winning a conflict; then whatever that changed cascades through this rule set as after
    /// any change. A backfilled rule that is also in this set has used its one firing.
    /// </summary>
    public Evaluation EvaluateExisting(CustomerSnapshot customer, IReadOnlyList<CompiledRule> backfillRules, ITenantDirectory directory, EvaluationTrace? trace = null)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(backfillRules);
        ArgumentNullException.ThrowIfNull(directory);
        var matched = backfillRules.Where(r => r.MatchesExisting(customer)).ToList();
        if (matched.Count == 0) return Evaluation.NothingMatched(customer);

        var rules = _rules;
        Span<ulong> used = stackalloc ulong[Math.Max(1, (rules.Length + 63) >> 6)];
        for (var i = 0; i < rules.Length; i++)
        {
            if (matched.Exists(m => m.Id == rules[i].Id)) used[i >> 6] |= 1UL << i;
        }

        if (trace is not null)
        {
            trace.Begin(rules);
            foreach (var rule in matched) trace.MatchedExisting(rule, customer);
        }

        EvaluationLog? log = new() { Rounds = 1 };
        var next = ApplyRound(matched, customer, directory, log, trace);
        var current = next.Excluded || next.Equals(customer)
            ? next
            : RunRounds(rules, used, customer, next, 2, created: false, changed: true, directory, ref log, trace);
        trace?.End();
        return log!.ToEvaluation(current);
    }

    private static CustomerSnapshot RunRounds(
        CompiledRule[] rules, Span<ulong> used, CustomerSnapshot previous, CustomerSnapshot current, int firstRound,
        bool created, bool changed, ITenantDirectory directory, ref EvaluationLog? log, EvaluationTrace? trace)
    {
        List<CompiledRule>? matched = null;
        for (var number = firstRound; ; number++)
        {
            matched?.Clear();
            var round = new RoundContext(previous, current, number, created, changed);
            for (var i = 0; i < rules.Length; i++)
            {
                if ((used[i >> 6] & (1UL << i)) != 0) continue;
                var rule = rules[i];
                var triggered = rule.Trigger.Fires(round);
                var matches = triggered && rule.ConditionsHold(current);
                trace?.Judged(rule, round, triggered, matches);
                if (matches)
                {
                    // A rule that matches has used its chance for this change, whatever happens to its action.
                    used[i >> 6] |= 1UL << i;
                    (matched ??= []).Add(rule);
                }
            }

            if (matched is null || matched.Count == 0) return current;
            log ??= new EvaluationLog();
            log.Rounds = number;
            var next = ApplyRound(matched, current, directory, log, trace);
            if (next.Excluded || next.Equals(current)) return next;
            previous = current;
            current = next;
            changed = true;
        }
    }

    private static CustomerSnapshot ApplyRound(List<CompiledRule> matched, CustomerSnapshot start, ITenantDirectory directory, EvaluationLog log, EvaluationTrace? trace)
    {
        var state = start;
        CompiledRule? workflowWinner = null;
        CompiledRule? excludedBy = null;
        foreach (var rule in matched)
        {
            if (excludedBy is not null)
            {
                var note = $"customer excluded earlier in this round by rule '{excludedBy.Name}' ({excludedBy.Id})";
                log.Skipped(rule, note);
                trace?.NotActed(rule, RuleOutcome.NotReached, note);
                continue;
            }

            var conflictKey = rule.Action.ConflictKey;
            if (conflictKey is not null && workflowWinner is not null)
            {
                var note = $"lost a conflict: rule '{workflowWinner.Name}' ({workflowWinner.Id}), earlier in the rule set, set the {conflictKey} in this round";
                log.Skipped(rule, note);
                trace?.NotActed(rule, RuleOutcome.LostConflict, note);
                continue;
            }

            var effect = rule.Action.Apply(state, directory, rule);
            if (!effect.TookEffect)
            {
                log.Skipped(rule, effect.Note ?? "the action could not be carried out");
                trace?.NotActed(rule, RuleOutcome.Skipped, effect.Note ?? "the action could not be carried out");
                continue;
            }

            if (conflictKey is not null) workflowWinner = rule;
            log.Fired(rule, state, effect.State, effect.Note, effect.Notification);
            trace?.Fired(rule, state, effect.State, effect.Notification is { } n ? Join(effect.Note, $"plans a {RuleVocabulary.Name(n.Channel)} notification to {n.Recipient}") : effect.Note);
            state = effect.State;
            if (state.Excluded) excludedBy = rule;
        }

        return state;
    }

    private static string Join(string? first, string second) => first is null ? second : first + "; " + second;
}
