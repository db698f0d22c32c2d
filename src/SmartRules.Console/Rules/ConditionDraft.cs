using System.Globalization;
using System.Text.Json.Nodes;
using SmartRules.Console.Api;

namespace SmartRules.Console.Rules;

/// <summary>One condition as a form edits it: the custom field's name apart from the field, the value as typed.</summary>
public sealed class ConditionDraft
{
    public string Field { get; set; } = "outstandingAmount";

    public string CustomField { get; set; } = "";

    public string Operator { get; set; } = "min";

    /// <summary>As typed; list operators take values separated by commas.</summary>
    public string Value { get; set; } = "";

    public string WireField => Field == "customFields" ? "customFields." + CustomField.Trim() : Field;

    /// <summary>The condition on the wire. A number that does not parse is sent as typed, so the API's validation
    /// names the field and the console shows its message there (validation lives in one place: the API).</summary>
    public ConditionModel ToModel()
    {
        JsonNode? value;
        if (RuleVocabulary.IsListOperator(Operator))
        {
            value = new JsonArray(Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }
        else
        {
            value = RuleVocabulary.IsNumberField(Field) ? Number(Value) : JsonValue.Create(Value);
        }

        return new(WireField, Operator, value);
    }

    public static JsonNode? Number(string text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(text);

    public static ConditionDraft From(ConditionModel condition)
    {
        var field = condition.Field ?? "";
        var draft = new ConditionDraft { Operator = condition.Operator ?? "" };
        if (field.StartsWith("customFields.", StringComparison.Ordinal))
        {
            draft.Field = "customFields";
            draft.CustomField = field["customFields.".Length..];
        }
        else
        {
            draft.Field = field;
        }

        draft.Value = condition.Value switch
        {
            JsonArray list => string.Join(", ", list.Select(v => v?.ToString())),
            null => "",
            var v => v.ToString(),
        };
        return draft;
    }

    /// <summary>Keeps the operator one the field accepts when the field changes.</summary>
    public void FieldChanged(string field)
    {
        Field = field;
        var operators = RuleVocabulary.OperatorsFor(field);
        if (!operators.Any(o => o.Value == Operator)) Operator = operators[0].Value;
    }
}
