namespace SmartRules.Console.Api;

/// <summary>An RFC 9457 problem the API answered (or one the console made for a failure to reach it), with its
/// <c>errors</c> map of field → messages for validation problems, so forms can show each message by its field.</summary>
public sealed record ApiProblem(int Status, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public static ApiProblem Unreachable(string detail) => new(0, "The API cannot be reached", detail, new Dictionary<string, string[]>());

    /// <summary>The messages for <paramref name="field"/>, and for its sub-fields (<c>trigger</c> gathers <c>trigger.value</c>
    /// only when asked with <paramref name="includeChildren"/>).</summary>
    public IEnumerable<string> For(string field, bool includeChildren = false) =>
        Errors.Where(e => Names(e.Key, field, includeChildren)).SelectMany(e => e.Value);

    public string Summary => Detail ?? Title ?? $"HTTP {Status}";

    /// <summary>The problem without <paramref name="field"/>'s messages (it was edited since), and its sub-fields' with
    /// <paramref name="includeChildren"/>, or null once no field's message is left.</summary>
    public ApiProblem? Without(string field, bool includeChildren = false)
    {
        var errors = Errors.Where(e => !Names(e.Key, field, includeChildren)).ToDictionary(e => e.Key, e => e.Value);
        return errors.Count == 0 && Errors.Count > 0 ? null : this with { Errors = errors };
    }

    private static bool Names(string key, string field, bool includeChildren) =>
        string.Equals(key, field, StringComparison.OrdinalIgnoreCase)
        || (includeChildren && (key.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase) || key.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase)));
}
