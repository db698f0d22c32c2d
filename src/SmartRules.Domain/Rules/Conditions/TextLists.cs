namespace SmartRules.Domain.Rules.Conditions;

/// <summary>Recognises a list written as one text ("B2B, B2C"), which conditions compare as a whole.</summary>
public static class TextLists
{
    private static readonly char[] Separators = [',', ';', '|'];

    /// <summary>The trimmed, non-empty parts of <paramref name="text"/> split at commas, semicolons or bars; one part
    /// (the text itself, trimmed) when it holds no separator.</summary>
    public static string[] Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split(Separators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Whether <paramref name="text"/> looks like several values written as one.</summary>
    public static bool LooksLikeList(string text) => Split(text).Length > 1;
}
