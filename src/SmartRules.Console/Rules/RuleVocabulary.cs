namespace SmartRules.Console.Rules;

/// <summary>The words of the rule language (API.md) with the labels an accounts-receivable team reads.</summary>
public static class RuleVocabulary
{
    public static readonly IReadOnlyList<(string Value, string Label)> Triggers =
    [
        ("customerCreated", "A customer is created"),
        ("customerCreatedOrUpdated", "A customer is created or updated"),
        ("outstandingAmountThreshold", "Outstanding amount crosses a threshold"),
        ("ratingThreshold", "Rating crosses a threshold"),
        ("averagePaymentDelayThreshold", "Average payment delay crosses a threshold"),
    ];

    public static readonly IReadOnlyList<(string Value, string Label)> Fields =
    [
        ("name", "Name"),
        ("outstandingAmount", "Outstanding amount"),
        ("dueAmount", "Due amount"),
        ("overdueAmount", "Overdue amount"),
        ("rating", "Rating"),
        ("averagePaymentDelayDays", "Average payment delay (days)"),
        ("workflow", "Workflow"),
        ("customFields", "Custom field…"),
    ];

    public static readonly IReadOnlyList<(string Value, string Label)> TextOperators =
        [("contains", "contains"), ("doesNotContain", "does not contain"), ("isAnyOf", "is any of"), ("isNoneOf", "is none of")];

    public static readonly IReadOnlyList<(string Value, string Label)> NumberOperators =
        [("min", "is at least"), ("max", "is at most"), ("greaterThan", "is greater than"), ("lessThan", "is less than")];

    public static readonly IReadOnlyList<(string Value, string Label)> RatingOperators =
        [("isOneOf", "is one of"), ("atLeast", "is at least"), ("atMost", "is at most")];

    public static readonly IReadOnlyList<(string Value, string Label)> Actions =
    [
        ("assignWorkflow", "Assign a workflow"),
        ("assignUsers", "Assign users"),
        ("assignPaymentMethods", "Set payment methods"),
        ("sendNotification", "Send a notification"),
        ("exclude", "Exclude the customer from rules"),
    ];

    public static readonly IReadOnlyList<(string Value, string Label)> PaymentMethods =
        [("card", "Card"), ("bankTransfer", "Bank transfer"), ("directDebit", "Direct debit")];

    public static readonly IReadOnlyList<string> Ratings = ["A", "B", "C", "D"];

    public static bool IsThreshold(string? trigger) => trigger is "outstandingAmountThreshold" or "ratingThreshold" or "averagePaymentDelayThreshold";

    public static bool IsNumberField(string? field) => field is "outstandingAmount" or "dueAmount" or "overdueAmount" or "averagePaymentDelayDays";

    public static bool IsListOperator(string? op) => op is "isAnyOf" or "isNoneOf" or "isOneOf";

    public static IReadOnlyList<(string Value, string Label)> OperatorsFor(string? field) =>
        field == "rating" ? RatingOperators : IsNumberField(field) ? NumberOperators : TextOperators;

    public static string Label(IReadOnlyList<(string Value, string Label)> words, string? value) =>
        words.FirstOrDefault(w => w.Value == value).Label ?? value ?? "";

    /// <summary>What a rating threshold means, in words: ratings rank A (best) to D, and "unrated" below D.</summary>
    public static string RatingMeaning(string? direction, string? rating)
    {
        var index = Ratings.ToList().IndexOf(rating ?? "");
        if (index < 0) return "Pick a rating.";
        if (direction == "fallsBelow")
        {
            var worse = Ratings.Skip(index + 1).ToList();
            return worse.Count == 0 ? $"falls below {rating}: never (no rating is below D)" : $"falls below {rating}: customers moving from {rating} or better to {Join(worse)}";
        }

        var better = Ratings.Take(index).ToList();
        return better.Count == 0 ? $"exceeds {rating}: never (no rating is above A)" : $"exceeds {rating}: customers moving to {Join(better)}";
    }

    private static string Join(List<string> ratings) => ratings.Count == 1 ? ratings[0] : string.Join(", ", ratings.Take(ratings.Count - 1)) + " or " + ratings[^1];
}
