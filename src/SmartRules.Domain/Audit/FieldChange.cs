namespace SmartRules.Domain.Audit;

/// <summary>
/// One field that changed, with its value before and after. <see cref="Field"/> uses the wire names
/// (<c>outstandingAmount</c>, <c>customFields.Segment</c>, <c>assignedUsers</c>, …). Values are <c>null</c>
/// (unset), a <see cref="decimal"/>, a <see cref="string"/>, a <see cref="bool"/> or a <see cref="string"/> array.
/// </summary>
public sealed record FieldChange(string Field, object? Before, object? After)
{
    public bool Equals(FieldChange? other) =>
        other is not null && Field == other.Field && ValueEquals(Before, other.Before) && ValueEquals(After, other.After);

    public override int GetHashCode() => Field.GetHashCode(StringComparison.Ordinal);

    private static bool ValueEquals(object? a, object? b) => (a, b) switch
    {
        (string[] x, string[] y) => x.AsSpan().SequenceEqual(y),
        _ => Equals(a, b),
    };
}
