namespace SmartRules.Console.Sessions;

/// <summary>Where sign-in may send a person back to: a path of this site only, never another origin (an open redirect).</summary>
public static class ReturnPath
{
    public static string Safe(string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(returnUrl)) return "/";
        // Always a rooted path: "https:evil.test", "//evil.test" and "\\evil.test" cannot become another origin.
        var path = "/" + returnUrl.TrimStart('/', '\\');
        return path.Contains('\\', StringComparison.Ordinal) || path.Contains("//", StringComparison.Ordinal) || path.Any(char.IsControl)
               || !Uri.IsWellFormedUriString(path, UriKind.Relative)
            ? "/"
            : path;
    }
}
