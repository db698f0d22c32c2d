using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;
using SmartRules.Domain.Customers;

namespace SmartRules.LoadBench;

/// <summary>
/// Lets the stock providers (ADO.NET, memory) store <c>CustomerState</c>, whose domain types carry no Orleans
/// serializer attributes, as JSON: only the comparison variants of the write-path benchmark use it.
/// </summary>
internal sealed class JsonCustomerStateSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new CustomFieldsConverter(), new UserSetConverter() },
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options)!;

    private sealed class CustomFieldsConverter : JsonConverter<CustomFields>
    {
        public override CustomFields Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            CustomFields.From(JsonSerializer.Deserialize<Dictionary<string, string?>>(ref reader) ?? []);

        public override void Write(Utf8JsonWriter writer, CustomFields value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToDictionary(f => f.Key, f => f.Value));
    }

    private sealed class UserSetConverter : JsonConverter<UserSet>
    {
        public override UserSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            UserSet.From(JsonSerializer.Deserialize<string[]>(ref reader) ?? []);

        public override void Write(Utf8JsonWriter writer, UserSet value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToArray());
    }
}
