namespace SmartRules.Domain.Evaluation;

public enum ChangeStatus
{
    /// <summary>The change created the customer.</summary>
    Created,

    /// <summary>The change altered an existing customer.</summary>
    Updated,

    /// <summary>The change carried only values the customer already had: no audit entry, no rule.</summary>
    Unchanged,

    /// <summary>The customer is excluded: the change is refused and nothing happens.</summary>
    RefusedExcluded,
}
