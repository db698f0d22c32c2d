using System.Buffers;

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

    public static bool HasControlCharacters(string text) => text.AsSpan().ContainsAny(ControlCharacters);

    /// <summary>C0 controls and DEL. One search, no allocation (string.Contains(char, StringComparison) boxed the char).</summary>
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

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
