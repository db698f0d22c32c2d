using SmartRules.Contracts.Rules;

namespace SmartRules.Grains.Rules;

[GenerateSerializer, Alias("SmartRules.RuleSetState")]
public sealed class RuleSetState
{
    /// <summary>Goes up with every change of any rule or of the order.</summary>
    [Id(0)] public long Version { get; set; }

    /// <summary>In rule-set order.</summary>
    [Id(1)] public List<RuleRecord> Rules { get; set; } = [];
}
