using System.Text.Json;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Domain.Rules;

namespace SmartRules.Server.Json;

/// <summary>
/// Reads a customer update (API.md "PUT /api/customers/{id}", and each NDJSON line with its "id") with merge semantics:
/// an absent property is not a null one. Every problem is reported with its field, and nothing is half-read.
/// </summary>
public static class CustomerBodyReader
{
    public const int MaxIdLength = 200;

    /// <summary>The properties of an update; the OpenAPI document's CustomerUpdateBody schema names the same (a test checks).</summary>
    internal static readonly string[] Known =
    [
        "name", "outstandingAmount", "dueAmount", "overdueAmount", "rating", "averagePaymentDelayDays", "customFields",
        "workflow", "assignedUsers", "paymentMethods", "sequence",
    ];

    public static (CustomerUpdateCommand? Update, string? Id) Read(JsonElement body, bool withId, List<FieldProblem> problems)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("", $"the body must be a JSON object (got {Describe(body)})"));
            return (null, null);
        }

        // The values are gathered first and the command built once (a `with` per property copied it each time).
        Patch<string?> nameValue = default, ratingValue = default, workflowValue = default;
        Patch<decimal> outstandingValue = default, dueValue = default, overdueValue = default;
        Patch<decimal?> delayValue = default;
        Dictionary<string, string?>? customFields = null;
        string[]? assignedUsers = null, paymentMethods = null;
        long? sequenceValue = null;
        string? id = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            if ((KnownName(property) ?? NameOf(property)) is not { } propertyName)
            {
                problems.Add(new("", "a property name " + NotUnicode));
                continue;
            }

            switch (propertyName)
            {
                case "id" when withId:
                    if (value.ValueKind != JsonValueKind.String) problems.Add(new("id", $"must be a text (got {Describe(value)})"));
                    else if (TextOf(value) is not { } text) problems.Add(new("id", NotUnicode));
                    else if (IdProblem(text) is { } problem) problems.Add(new("id", problem));
                    else id = text;
                    break;
                case "name":
                    if (Text(value, "name", problems, nullable: true, out var name)) nameValue = Patch.Set(name);
                    break;
                case "outstandingAmount":
                    if (Amount(value, propertyName, problems) is { } outstanding) outstandingValue = Patch.Set(outstanding);
                    break;
                case "dueAmount":
                    if (Amount(value, propertyName, problems) is { } due) dueValue = Patch.Set(due);
                    break;
                case "overdueAmount":
                    if (Amount(value, propertyName, problems) is { } overdue) overdueValue = Patch.Set(overdue);
                    break;
                case "averagePaymentDelayDays":
                    if (value.ValueKind == JsonValueKind.Null) delayValue = Patch.Set<decimal?>(null);
                    else if (Amount(value, propertyName, problems) is { } delay) delayValue = Patch.Set<decimal?>(delay);
                    break;
                case "rating":
                    if (value.ValueKind == JsonValueKind.Null) ratingValue = Patch.Set<string?>(null);
                    else if (value.ValueKind == JsonValueKind.String && Rating(value) is { } rating) ratingValue = Patch.Set<string?>(rating);
                    else problems.Add(new("rating", $"must be \"A\", \"B\", \"C\", \"D\" or null (got {Describe(value)})"));
                    break;
                case "workflow":
                    if (Text(value, "workflow", problems, nullable: true, out var workflow)) workflowValue = Patch.Set(workflow);
                    break;
                case "customFields":
                    customFields = CustomFields(value, problems) ?? customFields;
                    break;
                case "assignedUsers":
                    assignedUsers = Texts(value, "assignedUsers", problems) ?? assignedUsers;
                    break;
                case "paymentMethods":
                    paymentMethods = Texts(value, "paymentMethods", problems) ?? paymentMethods;
                    break;
                case "sequence":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var sequence) && sequence >= 0) sequenceValue = sequence;
                    else problems.Add(new("sequence", $"must be a whole number from 0 to {long.MaxValue} (got {Describe(value)})"));
                    break;
                default:
                    problems.Add(new(propertyName, $"unknown field; allowed: {RuleVocabulary.OneOf(withId ? ["id", .. Known] : Known)}"));
                    break;
            }
        }

        var update = problems.Count > 0 ? null : new CustomerUpdateCommand
        {
            Name = nameValue,
            OutstandingAmount = outstandingValue,
            DueAmount = dueValue,
            OverdueAmount = overdueValue,
            Rating = ratingValue,
            AveragePaymentDelayDays = delayValue,
            CustomFields = customFields,
            Workflow = workflowValue,
            AssignedUsers = assignedUsers,
            PaymentMethods = paymentMethods,
            Sequence = sequenceValue,
        };
        if (withId && id is null && !problems.Any(p => p.Path == "id")) problems.Add(new("id", "is required: the customer's id"));
        return (update, id);
    }

    /// <summary>
    /// The rating a JSON string names, as the shared literal; <c>null</c> if it is none, including text that is not
    /// valid Unicode (comparing the raw bytes would throw on a lone surrogate escape).
    /// </summary>
    private static string? Rating(JsonElement value) => TextOf(value) switch
    {
        "A" => "A",
        "B" => "B",
        "C" => "C",
        "D" => "D",
        _ => null,
    };

    /// <summary>
    /// Why a customer id is not acceptable, or <c>null</c>: 1–200 characters, none of them control characters, well-formed
    /// Unicode. The same rule holds for every other id a client names in a path or a query (backfills, notifications).
    /// </summary>
    public static string? IdProblem(string id)
    {
        if (id.Length == 0) return "must not be empty";
        if (id.Length > MaxIdLength) return $"must be at most {MaxIdLength} characters (got {id.Length})";
        // Spans, not LINQ over the string: this runs for every line of an ingestion, and an enumerator per call adds up.
        if (id.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || id.AsSpan().ContainsAnyInRange('\u007F', '\u009F')) return "must not contain control characters";
        if (id.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') && !IsWellFormed(id)) return "must be well-formed Unicode";
        return null;
    }

    /// <summary>
    /// The text of a JSON string, or <c>null</c> when it is not valid Unicode: JSON escapes can spell a lone surrogate
    /// ("\ud800"), which System.Text.Json refuses to turn into a string.
    /// </summary>
    public static string? TextOf(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The names of an update's properties, as UTF-8 beside the string each stands for.</summary>
    private static readonly (byte[] Utf8, string Name)[] KnownNames =
        [.. new[] { "id" }.Concat(Known).Select(name => (System.Text.Encoding.UTF8.GetBytes(name), name))];

    /// <summary>
    /// The property's name when it is one an update knows, as the shared literal, compared in UTF-8 (escapes included);
    /// otherwise <c>null</c>. Every line of an ingestion names several: reading each name as a new string cost more
    /// allocations than anything else in parsing a line (docs/benchmarks.md, change 22).
    /// </summary>
    private static string? KnownName(JsonProperty property)
    {
        try
        {
            foreach (var (utf8, name) in KnownNames)
            {
                if (property.NameEquals(utf8)) return name;
            }
        }
        catch (InvalidOperationException)
        {
            // A name whose escapes cannot be unescaped (a lone surrogate): NameOf reports it.
        }

        return null;
    }

    /// <summary>The name of a JSON property, or <c>null</c> when it is not valid Unicode (see <see cref="TextOf"/>).</summary>
    public static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public const string NotUnicode = "must be valid Unicode text (a lone surrogate escape is not)";

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }

        return true;
    }

    private static decimal? Amount(JsonElement value, string field, List<FieldProblem> problems)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount)) return amount;
        problems.Add(new(field, value.ValueKind switch
        {
            JsonValueKind.Null => "cannot be null; send 0 for no amount",
            JsonValueKind.Number => "is out of range for a decimal amount",
            _ => $"must be a number (got {Describe(value)})",
        }));
        return null;
    }

    private static bool Text(JsonElement value, string field, List<FieldProblem> problems, bool nullable, out string? text)
    {
        text = null;
        if (value.ValueKind == JsonValueKind.Null && nullable) return true;
        if (value.ValueKind == JsonValueKind.String)
        {
            text = TextOf(value);
            if (text is not null) return true;
            problems.Add(new(field, NotUnicode));
            return false;
        }

        problems.Add(new(field, $"must be a text{(nullable ? " or null" : "")} (got {Describe(value)})"));
        return false;
    }

    private static string[]? Texts(JsonElement value, string field, List<FieldProblem> problems)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new(field, $"must be a list of texts (got {Describe(value)})"));
            return null;
        }

        var items = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && TextOf(item) is { } text) items.Add(text);
            else problems.Add(new($"{field}[{i}]", item.ValueKind == JsonValueKind.String ? NotUnicode : $"must be a text (got {Describe(item)})"));
            i++;
        }

        return items.Count == i ? [.. items] : null;
    }

    private static Dictionary<string, string?>? CustomFields(JsonElement value, List<FieldProblem> problems)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("customFields", $"must be an object of field name to text or null (got {Describe(value)})"));
            return null;
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var valid = true;
        foreach (var field in value.EnumerateObject())
        {
            // The name is read once (each read of JsonProperty.Name is a new string), the problem's path only for a problem.
            if (NameOf(field) is not { } name)
            {
                problems.Add(new("customFields", "a field name " + NotUnicode));
                valid = false;
                continue;
            }

            // Only what JSON decides is checked here; the rules on names and values are the Domain's (CustomerUpdateChecks).
            if (field.Value.ValueKind == JsonValueKind.Null)
            {
                fields[name] = null;
            }
            else if (field.Value.ValueKind == JsonValueKind.String && TextOf(field.Value) is { } text)
            {
                fields[name] = text;
            }
            else if (field.Value.ValueKind == JsonValueKind.String)
            {
                problems.Add(new("customFields." + name, NotUnicode));
                valid = false;
            }
            else
            {
                problems.Add(new("customFields." + name, $"must be a text or null (got {Describe(field.Value)})"));
                valid = false;
            }
        }

        return valid ? fields : null;
    }

}
