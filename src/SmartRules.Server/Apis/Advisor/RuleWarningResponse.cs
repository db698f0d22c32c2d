using System.ComponentModel;
using SmartRules.Contracts.Advisor;

namespace SmartRules.Server.Apis.Advisor;

/// <summary>One advice warning (API.md "Advisor"); count and relatedRuleId only where the code has them.</summary>
public sealed record RuleWarningResponse(
    [property: Description("applyToExisting, noReverseRule, shadowed, caseVariants, listInValue, unknownCustomField or neverMatches")] string Code,
    [property: Description("What is wrong and what to do.")] string Message,
    long? Count,
    string? RelatedRuleId)
{
    public static RuleWarningResponse From(RuleWarning w) => new(w.Code, w.Message, w.Count, w.RelatedRuleId);
}
