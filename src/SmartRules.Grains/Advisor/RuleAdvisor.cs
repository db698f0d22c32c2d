using SmartRules.Contracts.Advisor;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Rules.Triggers;
using SmartRules.Domain.Tenants;
using SmartRules.Grains.Rules;

namespace SmartRules.Grains.Advisor;

/// <summary>
/// The warnings that depend only on the rules (<c>listInValue</c>, <c>neverMatches</c>, <c>noReverseRule</c>,
/// <c>shadowed</c>): computed on every rule response from the rule set as it is, so they are always current.
/// </summary>
public sealed class RuleAdvisor
{
    private readonly IReadOnlyList<RuleRecord> _rules;
    private readonly Dictionary<string, CompiledRule?> _compiled = new(StringComparer.Ordinal);
    private readonly ITenantDirectory _directory;

    /// <param name="rules">The tenant's whole rule set, in rule-set order.</param>
    public RuleAdvisor(IReadOnlyList<RuleRecord> rules, ITenantDirectory directory)
    {
        _rules = rules ?? throw new ArgumentNullException(nameof(rules));
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
    }

    public IReadOnlyList<RuleWarning> For(RuleRecord rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var warnings = new List<RuleWarning>();
        ListsInValues(rule.Definition, warnings);
        if (Compiled(rule) is { } compiled)
        {
            if (Contradiction(compiled) is { } why)
            {
                warnings.Add(new("neverMatches", $"This rule can never fire: {why}. Fix the conditions (or the threshold) so that some customer can satisfy all of them."));
            }

            NoReverseRule(rule, compiled, warnings);
            Shadowed(rule, warnings);
        }

        return warnings;
    }

    private CompiledRule? Compiled(RuleRecord rule)
    {
        if (!_compiled.TryGetValue(rule.Id, out var compiled))
        {
            compiled = RuleCompiler.Compile(rule.Id, rule.Version, rule.Definition.ToDomain(), _directory).Rule;
            _compiled[rule.Id] = compiled;
        }

        return compiled;
    }

    private static void ListsInValues(RuleDefinitionDto definition, List<RuleWarning> warnings)
    {
        var conditions = definition.Conditions ?? [];
        for (var i = 0; i < conditions.Count; i++)
        {
            var condition = conditions[i];
            if (condition?.Value is not { } value || condition.Field is not { } field || field == "rating") continue;
            IEnumerable<string> texts = value.Kind switch
            {
                RuleValueKind.Text when value.Text is { } text => [text],
                RuleValueKind.TextList when value.List is { } list => list,
                _ => [],
            };
            foreach (var text in texts.Where(TextLists.LooksLikeList))
            {
                var parts = TextLists.Split(text);
                var negated = condition.Operator is "doesNotContain" or "isNoneOf";
                var instead = negated ? "isNoneOf" : "isAnyOf";
                warnings.Add(new("listInValue",
                    $"conditions[{i}] ({field} {condition.Operator} \"{text}\") looks like a list, but values are compared whole: it matches only a {field} that is exactly \"{text}\". To match any of them, use {{\"operator\":\"{instead}\",\"value\":[{string.Join(",", parts.Select(p => "\"" + p + "\""))}]}}."));
            }
        }
    }

    /// <summary>Why the conditions (and a threshold trigger, which fixes the side of the value after it fires) can
    /// never all hold at once; <c>null</c> when some customer can satisfy them.</summary>
    private static string? Contradiction(CompiledRule rule)
    {
        var bounds = new Dictionary<string, Range>(StringComparer.Ordinal);
        void Bound(string field, NumberComparison comparison, decimal value, string said)
        {
            var b = bounds.TryGetValue(field, out var found) ? found : new Range(null, false, null, false, "");
            switch (comparison)
            {
                case NumberComparison.AtLeast when b.Low is null || value > b.Low: b = b with { Low = value, LowStrict = false }; break;
                case NumberComparison.GreaterThan when b.Low is null || value >= b.Low: b = b with { Low = value, LowStrict = true }; break;
                case NumberComparison.AtMost when b.High is null || value < b.High: b = b with { High = value, HighStrict = false }; break;
                case NumberComparison.LessThan when b.High is null || value <= b.High: b = b with { High = value, HighStrict = true }; break;
            }

            bounds[field] = b with { Why = b.Why.Length == 0 ? said : b.Why + " and " + said };
        }

        switch (rule.Trigger)
        {
            case OutstandingAmountThresholdTrigger t:
                Bound("outstandingAmount", t.Direction == ThresholdDirection.Exceeds ? NumberComparison.GreaterThan : NumberComparison.LessThan, t.Threshold, $"the trigger ({RuleVocabulary.Name(t.Direction)} {t.Threshold}) leaves outstandingAmount {(t.Direction == ThresholdDirection.Exceeds ? "above" : "below")} {t.Threshold} when it fires");
                break;
            case AveragePaymentDelayThresholdTrigger t:
                Bound("averagePaymentDelayDays", t.Direction == ThresholdDirection.Exceeds ? NumberComparison.GreaterThan : NumberComparison.LessThan, t.Threshold, $"the trigger ({RuleVocabulary.Name(t.Direction)} {t.Threshold}) leaves averagePaymentDelayDays {(t.Direction == ThresholdDirection.Exceeds ? "above" : "below")} {t.Threshold} when it fires");
                break;
        }

        var ratings = Enum.GetValues<Rating>().ToHashSet();
        var ratingWhy = new List<string>();
        if (rule.Trigger is RatingThresholdTrigger r)
        {
            ratings.RemoveWhere(x => r.Direction == ThresholdDirection.Exceeds ? (int)x <= (int)r.Threshold : (int)x >= (int)r.Threshold);
            ratingWhy.Add($"the trigger ({RuleVocabulary.Name(r.Direction)} {Ratings.Name(r.Threshold)})");
        }

        var texts = new Dictionary<string, (HashSet<string>? Allowed, HashSet<string> Refused)>(StringComparer.Ordinal);
        for (var i = 0; i < rule.Conditions.Count; i++)
        {
            switch (rule.Conditions[i])
            {
                case NumberCondition n:
                    Bound(n.Field, n.Comparison, n.Bound, $"conditions[{i}] ({n.Field} {n.Operator} {n.Bound})");
                    break;
                case RatingCondition rc:
                    ratings.IntersectWith(rc.Accepted);
                    ratingWhy.Add($"conditions[{i}] (rating {rc.Operator})");
                    break;
                case TextCondition t:
                    var (allowed, refused) = texts.TryGetValue(t.Field, out var e) ? e : (null, new HashSet<string>(StringComparer.Ordinal));
                    if (t.Negated) refused.UnionWith(t.Values);
                    else allowed = allowed is null ? new HashSet<string>(t.Values, StringComparer.Ordinal) : new HashSet<string>(allowed.Intersect(t.Values, StringComparer.Ordinal), StringComparer.Ordinal);
                    texts[t.Field] = (allowed, refused);
                    break;
            }
        }

        foreach (var (field, b) in bounds)
        {
            if (b.Low is { } low && b.High is { } high && (low > high || (low == high && (b.LowStrict || b.HighStrict))))
            {
                return $"{b.Why} leave no possible value of {field}";
            }
        }

        if (ratings.Count == 0) return $"{string.Join(" and ", ratingWhy)} accept no rating together";
        foreach (var (field, (allowed, refused)) in texts)
        {
            if (allowed is not null && allowed.All(refused.Contains)) return $"the text conditions on {field} ask for a value that is both required and refused, or for two different exact values at once";
        }

        return null;
    }

    /// <summary>The bounds the conditions (and a threshold) put on one number field, and what set them.</summary>
    private readonly record struct Range(decimal? Low, bool LowStrict, decimal? High, bool HighStrict, string Why);

    private void NoReverseRule(RuleRecord rule, CompiledRule compiled, List<RuleWarning> warnings)
    {
        if (compiled.Action.Type is not (Domain.Rules.Actions.ActionType.AssignWorkflow or Domain.Rules.Actions.ActionType.AssignUsers or Domain.Rules.Actions.ActionType.AssignPaymentMethods)) return;
        var direction = compiled.Trigger switch
        {
            OutstandingAmountThresholdTrigger t => t.Direction,
            AveragePaymentDelayThresholdTrigger t => t.Direction,
            RatingThresholdTrigger t => t.Direction,
            _ => (ThresholdDirection?)null,
        };
        if (direction is not { } d) return;
        var reverse = d == ThresholdDirection.Exceeds ? ThresholdDirection.FallsBelow : ThresholdDirection.Exceeds;
        var type = RuleVocabulary.Name(compiled.Trigger.Type);
        var reverseName = RuleVocabulary.Name(reverse);
        if (_rules.Any(other => other.Id != rule.Id && other.Active && other.Definition.Trigger?.Type == type && other.Definition.Trigger.Direction == reverseName)) return;
        warnings.Add(new("noReverseRule",
            $"Nothing undoes this rule: no active {type} rule goes the other way ({reverseName}). A customer who comes back across the threshold keeps what this rule assigned. Add an active {reverseName} rule that assigns what such customers should have instead (the \"double management\" of thresholds)."));
    }

    private void Shadowed(RuleRecord rule, List<RuleWarning> warnings)
    {
        if (rule.Definition.Action?.Type != "assignWorkflow") return;
        var conditions = rule.Definition.Conditions ?? [];
        foreach (var earlier in _rules)
        {
            if (earlier.Id == rule.Id) break;
            if (!earlier.Active || earlier.Definition.Action?.Type != "assignWorkflow" || earlier.Definition.Trigger != rule.Definition.Trigger) continue;
            if (!(earlier.Definition.Conditions ?? []).All(c => conditions.Any(mine => SameCondition(c, mine)))) continue;
            warnings.Add(new("shadowed",
                $"This rule can never set the workflow: the earlier active rule '{earlier.Definition.Name}' ({earlier.Id}) has the same trigger and only conditions this rule also has, so it always matches too and, coming first, wins the workflow. Move this rule above it (PUT /api/rule-order) or make the conditions exclusive.",
                RelatedRuleId: earlier.Id));
            return;
        }
    }

    private static bool SameCondition(ConditionDto? a, ConditionDto? b) =>
        a is not null && b is not null && a.Field == b.Field && a.Operator == b.Operator && SameValue(a.Value, b.Value);

    private static bool SameValue(RuleValueDto? a, RuleValueDto? b) =>
        a is null || b is null ? a == b : a.Kind == b.Kind && a.Number == b.Number && a.Text == b.Text && (a.List ?? []).SequenceEqual(b.List ?? [], StringComparer.Ordinal);
}
