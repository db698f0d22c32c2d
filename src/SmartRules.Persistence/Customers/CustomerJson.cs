using System.Text.Json;
using SmartRules.Domain.Customers;

namespace SmartRules.Persistence.Customers;

/// <summary>How the jsonb columns of <c>customers</c> are written and read.</summary>
internal static class CustomerJson
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public static byte[] CustomFields(CustomFields fields) =>
        fields.Count == 0 ? EmptyObject : JsonText.WriteUtf8(fields, static (json, fields) =>
        {
            json.WriteStartObject();
            foreach (var (name, value) in fields) json.WriteString(name, value);
            json.WriteEndObject();
        });

    public static CustomFields ReadCustomFields(string json, StringPool pool) =>
        Domain.Customers.CustomFields.From(pool.Share(JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? []));

    public static byte[] Strings(IEnumerable<string> values) => JsonText.WriteUtf8(values, static (json, values) =>
    {
        json.WriteStartArray();
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    });

    public static string[] ReadStrings(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];

    private const string EmptyExtra = "{}";

    /// <summary>The <c>extra</c> column: what the grain keeps that no query filters on (applied backfills).</summary>
    public static string Extra(IReadOnlyList<string> appliedBackfills) =>
        appliedBackfills.Count == 0 ? EmptyExtra : JsonSerializer.Serialize(new ExtraColumn(appliedBackfills));

    public static IReadOnlyList<string> AppliedBackfills(string extra) =>
        JsonSerializer.Deserialize<ExtraColumn>(extra)?.AppliedBackfills ?? [];

    private sealed record ExtraColumn(IReadOnlyList<string>? AppliedBackfills);
}
