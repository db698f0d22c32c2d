namespace SmartRules.Domain.Rules;

/// <summary>One thing wrong with a rule, at a field path such as <c>conditions[1].operator</c>.</summary>
public sealed record RuleProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
