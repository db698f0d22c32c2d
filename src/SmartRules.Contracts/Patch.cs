namespace SmartRules.Contracts;

/// <summary>An optional property of an update: absent (keep the current value) or set, possibly to <c>null</c>.
/// <c>default</c> is absent; <see cref="Patch.Set{T}"/> makes a set one.</summary>
[GenerateSerializer, Immutable, Alias("SmartRules.Patch`1")]
public readonly record struct Patch<T>([property: Id(0)] bool IsSet, [property: Id(1)] T Value);

public static class Patch
{
    public static Patch<T> Set<T>(T value) => new(true, value);
}
