using SmartRules.Contracts;
using SmartRules.Contracts.Advisor;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Evaluation.Tracing;
using SmartRules.Domain.Rules;
using SmartRules.Grains.Customers;
using SmartRules.Grains.Notifications;
using SmartRules.Grains.Rules;
using SmartRules.Grains.Tenants;

namespace SmartRules.Grains.Advisor;

/// <summary>
/// The body of <see cref="Contracts.Customers.ICustomerGrain.ExplainAsync"/>: the checks of a real update, the draft
/// rule checked like a rule create, the rule set with the draft in place, then <see cref="CustomerProcessor.Apply"/> —
/// the very call a real update makes — with a trace. It only reads; the caller stores nothing.
/// </summary>
public static class Explainer
{
    public const string DraftId = "draft";

    public static ExplainResult Explain(CustomerSnapshot? current, long version, string customerId, ExplainCommand command, TenantRuntime tenant)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(tenant);
        if (current is { Excluded: true }) return new(ExplainStatus.Excluded, current.ToView(version), [], [], [], []);

        var problems = new List<FieldProblem>();
        var updateProblems = new List<FieldProblem>();
        var update = command.Update.ToDomain(updateProblems);
        updateProblems.AddRange(CustomerUpdateChecks.Check(update, tenant.Directory, tenant.RatingSource, out update).Select(p => p.ToContract()));
        problems.AddRange(updateProblems.Select(p => p with { Path = Prefixed("update", p.Path) }));
        var rules = RulesWithDraft(command, tenant, problems);
        if (problems.Count > 0 || rules is null) return new(ExplainStatus.Invalid, null, [], [], problems, []);

        var trace = new EvaluationTrace();
        var outcome = CustomerProcessor.Apply(current, customerId, update, rules, tenant.Directory, tenant.RatingSource, trace: trace);
        var changed = outcome.Changed && outcome.Audit.Count > 0 ? outcome.Audit[0].Changes.Select(c => c.Field).ToArray() : [];
        // The version the real update would answer with: one more when it writes a change.
        var view = outcome.Customer.ToView(outcome.Changed ? version + 1 : version);
        return new(ExplainStatus.Explained, view, changed, [.. trace.Rules.Select(Describe)], [], [.. outcome.Firings.Select(f => f.ToContract())]);
    }

    private static string Prefixed(string prefix, string path) => path.Length == 0 ? prefix : path.StartsWith('[') ? prefix + path : prefix + "." + path;

    /// <summary>The active rules in rule-set order with the draft inserted at its position (or in the place of the rule it
    /// replaces); <c>null</c> with problems when the draft or its placement is invalid.</summary>
    private static CompiledRuleSet? RulesWithDraft(ExplainCommand command, TenantRuntime tenant, List<FieldProblem> problems)
    {
        var all = tenant.RuleSet.Rules;
        if (command.Rule is null)
        {
            if (command.Replaces is not null) problems.Add(new("rule", "is required with \"replaces\": the edited rule to check"));
            if (command.Position is not null) problems.Add(new("position", "only applies to a draft \"rule\""));
            return problems.Count > 0 ? null : tenant.Rules;
        }

        var replaced = -1;
        if (command.Replaces is { } replaces)
        {
            replaced = IndexOf(all, replaces);
            if (replaced < 0) problems.Add(new("replaces", $"there is no rule '{replaces}'"));
            if (command.Position is not null) problems.Add(new("position", "cannot be combined with \"replaces\": the draft takes the replaced rule's place"));
        }
        else if (command.Position is { } p && (p < 0 || p > all.Count))
        {
            problems.Add(new("position", $"must be from 0 to {all.Count} (an index in GET /api/rules order, inactive rules included)"));
        }

        var version = replaced >= 0 ? all[replaced].Version + 1 : 1;
        var draft = CompileDraft(command.Rule, version, tenant.Directory, problems);
        if (problems.Count > 0 || draft is null) return null;
        var compiled = tenant.Rules.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var position = replaced >= 0 ? replaced : command.Position ?? all.Count;
        var ordered = new List<CompiledRule>(compiled.Count + 1);
        for (var i = 0; i <= all.Count; i++)
        {
            if (i == position) ordered.Add(draft);
            if (i == all.Count || i == replaced) continue;
            if (all[i].Active && compiled.TryGetValue(all[i].Id, out var rule)) ordered.Add(rule);
        }

        if (ordered.Count > CompiledRuleSet.MaxRules)
        {
            problems.Add(new("rule", $"a tenant has at most {CompiledRuleSet.MaxRules} rules"));
            return null;
        }

        return new CompiledRuleSet(tenant.Rules.Version, ordered);
    }

    /// <summary>
    /// A draft rule checked exactly like a rule create (<see cref="RuleSetGrain"/>: the compiler and the notification
    /// templates), its problems at <c>rule.&lt;path&gt;</c>; compiled with the id <see cref="DraftId"/>.
    /// </summary>
    public static CompiledRule? CompileDraft(RuleDefinitionDto definition, int version, Domain.Tenants.ITenantDirectory directory, List<FieldProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(problems);
        var compilation = RuleCompiler.Compile(DraftId, version, definition.ToDomain(), directory);
        problems.AddRange(compilation.Problems.Select(p => new FieldProblem(Prefixed("rule", p.Path), p.Message)));
        if (definition.Action is { Type: "sendNotification" } action)
        {
            if (NotificationRenderer.Problem(action.Body) is { } body) problems.Add(new FieldProblem("rule.action.body", body));
            if (NotificationRenderer.Problem(action.Subject) is { } subject) problems.Add(new FieldProblem("rule.action.subject", subject));
        }

        return problems.Count == 0 ? compilation.Rule : null;
    }

    private static int IndexOf(IReadOnlyList<RuleRecord> rules, string id)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Id == id) return i;
        }

        return -1;
    }

    private static RuleExplanation Describe(RuleTrace trace)
    {
        var rule = trace.Rule;
        var trigger = trace.Trigger ?? new TriggerTrace(false, null, null, "not judged");
        var fired = trace.Outcome == RuleOutcome.Fired;
        return new RuleExplanation(
            rule.Id,
            rule.Version,
            rule.Name,
            trace.Round,
            OutcomeName(trace.Outcome),
            new TriggerExplanation(RuleVocabulary.Name(rule.Trigger.Type), trigger.Fired, CustomerMapping.ValueJson(trigger.Before), CustomerMapping.ValueJson(trigger.After), trigger.Reason),
            [.. trace.Conditions.Select(c => new ConditionExplanation(c.Field, c.Operator, CustomerMapping.ValueJson(c.Value), CustomerMapping.ValueJson(c.Actual), c.Passed, c.Hint))],
            fired ? CustomerMapping.ValuesJson(trace.Effect, before: true) : null,
            fired ? CustomerMapping.ValuesJson(trace.Effect, before: false) : null,
            trace.Note);
    }

    public static string OutcomeName(RuleOutcome outcome) => outcome switch
    {
        RuleOutcome.Fired => "fired",
        RuleOutcome.NotTriggered => "notTriggered",
        RuleOutcome.ConditionsFailed => "conditionsFailed",
        RuleOutcome.LostConflict => "lostConflict",
        RuleOutcome.Skipped => "skipped",
        _ => "notReached",
    };
}
