using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Rules.Triggers;

namespace SmartRules.Domain.Evaluation.Tracing;

/// <summary>
/// What the evaluator did with every active rule during one change, for explain: filled by
/// <see cref="CompiledRuleSet.Evaluate"/> and <see cref="CustomerProcessor.Apply"/> when one is passed in. The
/// evaluator takes its decisions exactly as without a trace (the same calls, in the same order); the trace only
/// records them and then works out the details (values, reasons, hints) on the side, so a normal update, which
/// passes none, pays one null check per rule and allocates nothing more.
/// </summary>
public sealed class EvaluationTrace
{
    private readonly List<RuleTrace> _rules = [];
    private readonly Dictionary<CompiledRule, RuleTrace> _byRule = new(ReferenceEqualityComparer.Instance);

    /// <summary>Every active rule, in rule-set order.</summary>
    public IReadOnlyList<RuleTrace> Rules => _rules;

    /// <summary>Called once per evaluation, before any round: every rule starts as not triggered in round 1.</summary>
    internal void Begin(IReadOnlyList<CompiledRule> rules)
    {
        _rules.Clear();
        _byRule.Clear();
        foreach (var rule in rules)
        {
            var trace = new RuleTrace(rule) { Round = 1, Outcome = RuleOutcome.Pending };
            _rules.Add(trace);
            _byRule[rule] = trace;
        }
    }

    /// <summary>The update changed nothing: no rule runs (API.md: every rule is then notTriggered).</summary>
    internal void NothingChanged(IReadOnlyList<CompiledRule> rules, CustomerSnapshot customer)
    {
        Begin(rules);
        foreach (var trace in _rules)
        {
            trace.Outcome = RuleOutcome.NotTriggered;
            trace.Trigger = new TriggerTrace(false, null, null, "the update changes nothing: no rule runs");
            trace.Conditions = Judge(trace.Rule, customer);
        }
    }

    /// <summary>A rule judged in a round. Round 1 is always kept; a later round only when it decided the rule.</summary>
    internal void Judged(CompiledRule rule, in RoundContext round, bool triggered, bool matched)
    {
        if (!_byRule.TryGetValue(rule, out var trace)) return;
        if (round.Number > 1 && !matched) return;
        trace.Round = round.Number;
        trace.Trigger = rule.Trigger.Explain(round, triggered);
        trace.Conditions = Judge(rule, round.Current);
        trace.Outcome = matched ? RuleOutcome.Pending : triggered ? RuleOutcome.ConditionsFailed : RuleOutcome.NotTriggered;
    }

    /// <summary>A backfilled rule, matched as an existing customer (simulate's cascade starts with it).</summary>
    internal void MatchedExisting(CompiledRule rule, CustomerSnapshot customer)
    {
        if (!_byRule.TryGetValue(rule, out var trace))
        {
            trace = new RuleTrace(rule);
            _rules.Add(trace);
            _byRule[rule] = trace;
        }

        trace.Round = 1;
        trace.Trigger = new TriggerTrace(true, null, null, "applied to an existing customer: its current value is beyond the threshold, or the trigger is not a threshold");
        trace.Conditions = Judge(rule, customer);
        trace.Outcome = RuleOutcome.Pending;
    }

    internal void Fired(CompiledRule rule, CustomerSnapshot before, CustomerSnapshot after, string? note)
    {
        if (!_byRule.TryGetValue(rule, out var trace)) return;
        trace.Outcome = RuleOutcome.Fired;
        trace.Effect = SnapshotDiff.Between(before, after);
        trace.Note = note;
    }

    internal void NotActed(CompiledRule rule, RuleOutcome outcome, string note)
    {
        if (!_byRule.TryGetValue(rule, out var trace)) return;
        trace.Outcome = outcome;
        trace.Note = note;
    }

    /// <summary>Rules no round decided keep their round-1 judgement.</summary>
    internal void End()
    {
        foreach (var trace in _rules)
        {
            if (trace.Outcome == RuleOutcome.Pending) trace.Outcome = RuleOutcome.NotReached;
        }
    }

    private static ConditionTrace[] Judge(CompiledRule rule, CustomerSnapshot customer)
    {
        var conditions = rule.Conditions;
        var result = new ConditionTrace[conditions.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var condition = conditions[i];
            var passed = condition.Matches(customer);
            result[i] = new ConditionTrace(condition.Field, condition.Operator, condition.Written, condition.Actual(customer), passed, passed ? null : condition.Hint(customer));
        }

        return result;
    }
}
