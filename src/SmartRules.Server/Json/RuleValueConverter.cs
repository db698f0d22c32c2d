using System.Text.Json;
using System.Text.Json.Serialization;
using SmartRules.Contracts.Rules;

namespace SmartRules.Server.Json;

/// <summary>
/// Reads a rule's trigger value or condition operand as whatever the client wrote — a number, a text, a list of texts —
/// and keeps anything else as <see cref="RuleValueKind.Other"/> so that validation can say exactly what was wrong.
/// </summary>
public sealed class RuleValueConverter : JsonConverter<RuleValueDto>
{
    public override RuleValueDto? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetDecimal(out var number)
                    ? new RuleValueDto(RuleValueKind.Number, number)
                    : new RuleValueDto(RuleValueKind.Other, Text: "a number out of range");
            case JsonTokenType.String:
                try
                {
                    return new RuleValueDto(RuleValueKind.Text, Text: reader.GetString());
                }
                catch (InvalidOperationException)
                {
                    return new RuleValueDto(RuleValueKind.Other, Text: "a text that is not valid Unicode");
                }
            case JsonTokenType.StartArray:
                using (var array = JsonDocument.ParseValue(ref reader))
                {
                    var items = array.RootElement.EnumerateArray().ToArray();
                    var texts = items.Select(i => i.ValueKind == JsonValueKind.String ? CustomerBodyReader.TextOf(i) : null).ToArray();
                    return texts.All(t => t is not null)
                        ? new RuleValueDto(RuleValueKind.TextList, List: texts!)
                        : new RuleValueDto(RuleValueKind.Other, Text: "a list with items that are not (valid) texts");
                }

            default:
                using (var other = JsonDocument.ParseValue(ref reader))
                {
                    return new RuleValueDto(RuleValueKind.Other, Text: "a " + other.RootElement.ValueKind.ToString().ToLowerInvariant());
                }
        }
    }

    public override void Write(Utf8JsonWriter writer, RuleValueDto value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case RuleValueKind.Number:
                writer.WriteNumberValue(value.Number);
                break;
            case RuleValueKind.TextList:
                writer.WriteStartArray();
                foreach (var item in value.List ?? []) writer.WriteStringValue(item);
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.Text);
                break;
        }
    }
}
