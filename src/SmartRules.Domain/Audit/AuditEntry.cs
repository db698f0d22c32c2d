namespace SmartRules.Domain.Audit;

/// <summary>
/// One line of a customer's audit trail: the external change, or what one rule did and why. <see cref="Changes"/>
/// holds only the fields that changed; <see cref="Note"/> explains anything skipped. The time is stamped by whoever
/// stores the entry, so that evaluation stays a pure function.
/// </summary>
public sealed record AuditEntry(
    AuditKind Kind,
    IReadOnlyList<FieldChange> Changes,
    string? RuleId = null,
    int? RuleVersion = null,
    string? Trigger = null,
    string? Note = null)
{
    public bool Equals(AuditEntry? other) =>
        other is not null && Kind == other.Kind && RuleId == other.RuleId && RuleVersion == other.RuleVersion &&
        Trigger == other.Trigger && Note == other.Note && Changes.SequenceEqual(other.Changes);

    public override int GetHashCode() => HashCode.Combine(Kind, RuleId, RuleVersion, Trigger, Note, Changes.Count);
}
