namespace SmartRules.Contracts.Advisor;

public enum ExplainStatus
{
    /// <summary>Evaluated; see <see cref="ExplainResult.Rules"/>.</summary>
    Explained,

    /// <summary>The customer is excluded: a real update would be refused (HTTP 409).</summary>
    Excluded,

    /// <summary>The update or the draft rule is invalid (see <see cref="ExplainResult.Problems"/>).</summary>
    Invalid,
}
