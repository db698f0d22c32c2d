using SmartRules.Contracts.Advisor;

namespace SmartRules.Grains.Advisor;

/// <summary>The persistent state of a <see cref="RuleAdviceGrain"/>.</summary>
[GenerateSerializer, Alias("SmartRules.RuleAdviceState")]
public sealed class RuleAdviceState
{
    [Id(0)] public Dictionary<string, StoredAdvice> Rules { get; set; } = new(StringComparer.Ordinal);
}
