using System.Text.Json.Serialization;

namespace SmartRules.Domain.Rules.Triggers;

public enum ThresholdDirection
{
    /// <summary>Fires when previous &lt;= X and new &gt; X.</summary>
    [JsonStringEnumMemberName("exceeds")]
    Exceeds,

    /// <summary>Fires when previous &gt;= X and new &lt; X.</summary>
    [JsonStringEnumMemberName("fallsBelow")]
    FallsBelow,
}
