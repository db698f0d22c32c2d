namespace SmartRules.Domain.Customers;

/// <summary>
/// A property of an update that may be absent (keep the current value) or present with a value, which for some
/// properties may be <c>null</c> (clear it). <c>default</c> is absent.
/// </summary>
public readonly record struct Optional<T>
{
    private readonly T _value;

    public Optional(T value)
    {
        _value = value;
        HasValue = true;
    }

    public bool HasValue { get; }

    public T Value => HasValue ? _value : throw new InvalidOperationException("The optional value is absent.");

    public T GetValueOrDefault(T fallback) => HasValue ? _value : fallback;

    public static implicit operator Optional<T>(T value) => new(value);

    public override string ToString() => HasValue ? $"{_value}" : "(absent)";
}
