using System.Reflection;
using System.Text.Json.Serialization;

namespace SmartRules.Domain.Rules;

/// <summary>
/// The wire names of an enum, read once from its members' <see cref="JsonStringEnumMemberNameAttribute"/>, indexed by
/// value. The attribute is the one place a name is spelled: JsonStringEnumConverter would write the same names, but
/// the rule language reads them from string fields and the audit JSON writes them by hand with Utf8JsonWriter (on
/// every update, without allocating), so both look them up here.
/// </summary>
public static class WireNames
{
    /// <summary>The names in value order: <c>Of&lt;T&gt;()[(int)value]</c>.</summary>
    public static IReadOnlyList<string> Of<TEnum>()
        where TEnum : struct, Enum => Cache<TEnum>.Names;

    private static string[] Read<TEnum>()
        where TEnum : struct, Enum
    {
        var fields = typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static);
        var names = new string[fields.Length];
        foreach (var field in fields)
        {
            var value = Convert.ToInt32(field.GetValue(null), System.Globalization.CultureInfo.InvariantCulture);
            if (value < 0 || value >= names.Length || names[value] is not null)
            {
                throw new InvalidOperationException($"{typeof(TEnum).Name} must number its members 0, 1, 2… to have wire names");
            }

            names[value] = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                ?? throw new InvalidOperationException($"{typeof(TEnum).Name}.{field.Name} has no [JsonStringEnumMemberName]");
        }

        return names;
    }

    private static class Cache<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly string[] Names = Read<TEnum>();
    }
}
