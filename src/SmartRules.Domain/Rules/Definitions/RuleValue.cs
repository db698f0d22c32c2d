namespace SmartRules.Domain.Rules.Definitions;

/// <summary>
/// A value as a client wrote it in a rule (a trigger's threshold, a condition's operand), before it is known to fit
/// its place. The API maps JSON onto these; the compiler decides whether the kind fits and says so when it does not.
/// </summary>
public abstract record RuleValue
{
    private RuleValue()
    {
    }

    /// <summary>What kind of value this is, for error messages ("a number", "a text", …).</summary>
    public abstract string Describe();

    public sealed record Number(decimal Value) : RuleValue
    {
        public override string Describe() => "a number";
    }

    public sealed record Text(string Value) : RuleValue
    {
        public override string Describe() => "a text";
    }

    public sealed record TextList(IReadOnlyList<string> Values) : RuleValue
    {
        public override string Describe() => "a list of texts";
    }

    /// <summary>Anything else a client may send (a boolean, an object, a list of numbers …), kept only to be refused.</summary>
    public sealed record Other(string Description) : RuleValue
    {
        public override string Describe() => Description;
    }
}
