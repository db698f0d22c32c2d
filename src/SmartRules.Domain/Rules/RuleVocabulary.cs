using SmartRules.Domain.Audit;
using SmartRules.Domain.Rules.Actions;
using SmartRules.Domain.Rules.Triggers;

namespace SmartRules.Domain.Rules;

/// <summary>The wire names of the rule language (API.md), in one place: the enums' own names come from their
/// [JsonStringEnumMemberName] attributes (<see cref="WireNames"/>), the rest are spelled here.</summary>
public static class RuleVocabulary
{
    public static readonly IReadOnlyList<string> TriggerTypes = WireNames.Of<TriggerType>();

    public static readonly IReadOnlyList<string> Directions = WireNames.Of<ThresholdDirection>();

    public static readonly IReadOnlyList<string> ActionTypes = WireNames.Of<ActionType>();

    public static readonly IReadOnlyList<string> Channels = WireNames.Of<NotificationChannel>();

    public static readonly IReadOnlyList<string> AuditKinds = WireNames.Of<AuditKind>();

    public static readonly IReadOnlyList<string> NumberFields = ["outstandingAmount", "dueAmount", "overdueAmount", "averagePaymentDelayDays"];

    public static readonly IReadOnlyList<string> TextFields = ["name", "workflow", "customFields.<name>"];

    public static readonly IReadOnlyList<string> Fields =
        ["name", "outstandingAmount", "dueAmount", "overdueAmount", "rating", "averagePaymentDelayDays", "workflow", "customFields.<name>"];

    public static readonly IReadOnlyList<string> TextOperators = ["contains", "doesNotContain", "isAnyOf", "isNoneOf"];

    public static readonly IReadOnlyList<string> NumberOperators = ["min", "max", "greaterThan", "lessThan"];

    public static readonly IReadOnlyList<string> RatingOperators = ["isOneOf", "atLeast", "atMost"];

    public const string CustomFieldPrefix = "customFields.";

    public static string Name(TriggerType type) => TriggerTypes[(int)type];

    public static string Name(ThresholdDirection direction) => Directions[(int)direction];

    public static string Name(ActionType type) => ActionTypes[(int)type];

    public static string Name(NotificationChannel channel) => Channels[(int)channel];

    public static string Name(AuditKind kind) => AuditKinds[(int)kind];

    public static bool TryParse<T>(IReadOnlyList<string> names, string? name, out T value)
        where T : struct, Enum
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                value = (T)(object)i;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>"a", "b" or "c" — for messages that list what is allowed.</summary>
    public static string OneOf(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
