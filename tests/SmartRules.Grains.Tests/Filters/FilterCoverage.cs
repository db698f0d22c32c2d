using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Rules.Triggers;

namespace SmartRules.Grains.Tests.Filters;

/// <summary>
/// What a property run has seen: for every operator on every kind of field, every threshold trigger and every query,
/// how many customers matched and how many did not. A property that never sees both cannot fail, so the test
/// requires both for each of <see cref="Expected"/>.
/// </summary>
internal sealed class FilterCoverage
{
    private static readonly string[] TextFieldKinds = ["name", "workflow", "customFields"];

    private static readonly string[] Thresholds = ["outstandingAmountThreshold", "ratingThreshold", "averagePaymentDelayThreshold"];

    private readonly Dictionary<string, (int Matched, int Missed)> _seen = new(StringComparer.Ordinal);

    /// <summary>Every operator of every field kind (custom fields as one kind), every threshold and direction, every query.</summary>
    public static IEnumerable<string> Expected =>
        [
            .. TextFieldKinds.SelectMany(kind => RuleVocabulary.TextOperators.Select(op => $"{kind} {op}")),
            .. RuleVocabulary.NumberFields.SelectMany(number => RuleVocabulary.NumberOperators.Select(op => $"{number} {op}")),
            .. RuleVocabulary.RatingOperators.Select(op => $"rating {op}"),
            .. Thresholds.SelectMany(trigger => RuleVocabulary.Directions.Select(direction => $"{trigger} {direction}")),
            "list", "rule backfill", "all-active-rules backfill", "bulk action",
        ];

    public void Record(string what, IEnumerable<CustomerSnapshot> customers, Func<CustomerSnapshot, bool> matches)
    {
        foreach (var customer in customers) Count(what, matches(customer));
    }

    public void Record(IEnumerable<Condition> conditions, IReadOnlyList<CustomerSnapshot> customers)
    {
        foreach (var condition in conditions)
        {
            var kind = condition.Field.StartsWith(RuleVocabulary.CustomFieldPrefix, StringComparison.Ordinal) ? "customFields" : condition.Field;
            Record($"{kind} {condition.Operator}", customers, condition.Matches);
        }
    }

    public void Record(IEnumerable<CompiledRule> rules, IReadOnlyList<CustomerSnapshot> customers)
    {
        foreach (var rule in rules)
        {
            Record(rule.Conditions, customers);
            var direction = rule.Trigger switch
            {
                OutstandingAmountThresholdTrigger t => t.Direction,
                AveragePaymentDelayThresholdTrigger t => t.Direction,
                RatingThresholdTrigger t => t.Direction,
                _ => (ThresholdDirection?)null,
            };
            if (direction is { } d)
            {
                Record($"{RuleVocabulary.Name(rule.Trigger.Type)} {RuleVocabulary.Name(d)}", customers, rule.Trigger.HoldsForExisting);
            }
        }
    }

    /// <summary>The expected entries that have not yet seen both a match and a non-match.</summary>
    public IReadOnlyList<string> Incomplete() =>
        [.. Expected.Where(key => !_seen.TryGetValue(key, out var seen) || seen.Matched == 0 || seen.Missed == 0)
            .Select(key => _seen.TryGetValue(key, out var seen) ? $"{key} ({seen.Matched} matched, {seen.Missed} missed)" : $"{key} (never generated)")];

    public override string ToString() => string.Join(Environment.NewLine, _seen.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value.Matched} matched, {s.Value.Missed} missed"));

    private void Count(string key, bool matched)
    {
        _seen.TryGetValue(key, out var seen);
        _seen[key] = matched ? (seen.Matched + 1, seen.Missed) : (seen.Matched, seen.Missed + 1);
    }
}
