namespace SmartRules.Domain.Rules;

/// <summary>Limits and checks shared by every text a client puts into a rule.</summary>
public static class TextRules
{
    public const int MaxNameLength = 200;
    public const int MaxFieldNameLength = 200;
    public const int MaxValueLength = 2_000;
    public const int MaxTemplateLength = 20_000;

    /// <summary>A text short enough to quote in a message (the first 40 characters).</summary>
    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    public static bool HasControlCharacters(string text) => text.AsSpan().IndexOfAnyInRange('\u0000', '\u001f') >= 0 || text.Contains('\u007f', StringComparison.Ordinal);

    /// <summary>Why <paramref name="text"/> is not a usable name (rule, custom field), or <c>null</c> when it is.</summary>
    public static string? NameProblem(string? text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text)) return "is required and must not be blank";
        if (text.Length > maxLength) return $"must be at most {maxLength} characters (got {text.Length})";
        if (HasControlCharacters(text)) return "must not contain control characters";
        return null;
    }

    /// <summary>Why <paramref name="text"/> is not a usable value to compare with, or <c>null</c> when it is.</summary>
    public static string? ValueProblem(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "must not be empty (an empty field never contains anything)";
        if (text.Length > MaxValueLength) return $"must be at most {MaxValueLength} characters (got {text.Length})";
        return StorableProblem(text);
    }

    /// <summary>PostgreSQL text cannot hold U+0000: a value with it is refused at the door rather than failing a write.</summary>
    public static string? StorableProblem(string? text) =>
        text is not null && text.Contains('\0', StringComparison.Ordinal) ? "must not contain the NUL character (U+0000)" : null;
}
