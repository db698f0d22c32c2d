namespace SmartRules.Domain.Rules.Triggers;

public enum ThresholdDirection
{
    /// <summary>Fires when previous &lt;= X and new &gt; X.</summary>
    Exceeds,

    /// <summary>Fires when previous &gt;= X and new &lt; X.</summary>
    FallsBelow,
}
