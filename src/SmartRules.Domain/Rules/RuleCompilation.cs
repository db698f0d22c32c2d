namespace SmartRules.Domain.Rules;

/// <summary>The outcome of compiling a rule: the compiled rule, or every problem found (never both).</summary>
public sealed record RuleCompilation(CompiledRule? Rule, IReadOnlyList<RuleProblem> Problems)
{
    public bool Succeeded => Rule is not null;
}
