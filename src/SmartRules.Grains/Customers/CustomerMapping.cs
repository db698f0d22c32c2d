using System.Text.Json;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Persistence;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Customers;

/// <summary>Between the wire records of customers and the domain's snapshots, updates and audit entries.</summary>
public static class CustomerMapping
{
    public static CustomerUpdate ToDomain(this CustomerUpdateCommand command, List<FieldProblem> problems)
    {
        Optional<Rating?> rating = default;
        if (command.Rating.IsSet)
        {
            if (command.Rating.Value is null) rating = new Optional<Rating?>(null);
            else if (Ratings.TryParse(command.Rating.Value, out var parsed)) rating = parsed;
            else problems.Add(new("rating", $"'{command.Rating.Value}' is not a rating; allowed: 'A', 'B', 'C', 'D' or null"));
        }

        PaymentMethods? methods = null;
        if (command.PaymentMethods is { } names)
        {
            methods = PaymentMethods.None;
            for (var i = 0; i < names.Count; i++)
            {
                if (PaymentMethodNames.TryParse(names[i], out var method)) methods |= method;
                else problems.Add(new($"paymentMethods[{i}]", $"unknown payment method '{names[i]}'; allowed: {RuleVocabulary.OneOf(PaymentMethodNames.All)}"));
            }
        }

        return new CustomerUpdate
        {
            Name = command.Name.IsSet ? new Optional<string?>(command.Name.Value) : default,
            OutstandingAmount = command.OutstandingAmount.IsSet ? command.OutstandingAmount.Value : default(Optional<decimal>),
            DueAmount = command.DueAmount.IsSet ? command.DueAmount.Value : default(Optional<decimal>),
            OverdueAmount = command.OverdueAmount.IsSet ? command.OverdueAmount.Value : default(Optional<decimal>),
            Rating = rating,
            AveragePaymentDelayDays = command.AveragePaymentDelayDays.IsSet ? new Optional<decimal?>(command.AveragePaymentDelayDays.Value) : default,
            CustomFields = command.CustomFields,
            Workflow = command.Workflow.IsSet ? new Optional<string?>(command.Workflow.Value) : default,
            AssignedUsers = command.AssignedUsers,
            PaymentMethods = methods,
        };
    }

    /// <summary>
    /// A change's audit entries as the one JSON array its row stores, written once. With <paramref name="created"/> the
    /// first entry (the creation) leaves out "before": it is the new-customer default, which readers fill in.
    /// Property names are encoded once (<see cref="Names"/>): this runs for every change and was ~6 % of a firing-heavy
    /// update's CPU, much of it checking the same names for characters to escape (docs/benchmarks.md, change 20).
    /// </summary>
    public static AuditChange ToAuditChange(this IReadOnlyList<AuditEntry> entries, bool created, DateTimeOffset at)
    {
        return new AuditChange(at, JsonText.WriteUtf8((entries, created), static (json, state) =>
        {
            var (entries, created) = state;
            json.WriteStartArray();
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                json.WriteStartObject();
                json.WriteString(Names.Kind, Names.Of(entry.Kind));
                json.WriteString(Names.RuleId, entry.RuleId);
                if (entry.RuleVersion is { } version) json.WriteNumber(Names.RuleVersion, version);
                else json.WriteNull(Names.RuleVersion);
                json.WriteString(Names.Trigger, entry.Trigger);
                if (!(created && i == 0)) WriteValues(json, Names.Before, entry.Changes, before: true);
                WriteValues(json, Names.After, entry.Changes, before: false);
                json.WriteString(Names.Note, entry.Note);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }));
    }

    private static void WriteValues(Utf8JsonWriter json, JsonEncodedText? name, IReadOnlyList<FieldChange> changes, bool before)
    {
        if (name is { } property) json.WriteStartObject(property);
        else json.WriteStartObject();
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            if (Names.TryField(change.Field, out var field)) json.WritePropertyName(field);
            else json.WritePropertyName(change.Field);
            WriteValue(json, before ? change.Before : change.After);
        }

        json.WriteEndObject();
    }

    /// <summary>The audit JSON's property names and kinds, encoded once.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
        public static readonly JsonEncodedText RuleId = JsonEncodedText.Encode("ruleId");
        public static readonly JsonEncodedText RuleVersion = JsonEncodedText.Encode("ruleVersion");
        public static readonly JsonEncodedText Trigger = JsonEncodedText.Encode("trigger");
        public static readonly JsonEncodedText Before = JsonEncodedText.Encode("before");
        public static readonly JsonEncodedText After = JsonEncodedText.Encode("after");
        public static readonly JsonEncodedText Note = JsonEncodedText.Encode("note");

        private static readonly JsonEncodedText[] Kinds =
            [.. Enum.GetValues<AuditKind>().Order().Select(kind => JsonEncodedText.Encode(RuleVocabulary.Name(kind)))];

        /// <summary>The customer's own fields (custom fields' names vary by tenant and are encoded as they come).</summary>
        private static readonly Dictionary<string, JsonEncodedText> Fields = SnapshotDiff.CoreFields.ToDictionary(f => f, f => JsonEncodedText.Encode(f), StringComparer.Ordinal);

        public static JsonEncodedText Of(AuditKind kind) => Kinds[(int)kind];

        public static bool TryField(string name, out JsonEncodedText encoded) => Fields.TryGetValue(name, out encoded);
    }

    /// <summary>One value of a <see cref="FieldChange"/> (null, decimal, text, bool or list of texts) as JSON.</summary>
    internal static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case decimal d: json.WriteNumberValue(d); break;
            case string text: json.WriteStringValue(text); break;
            case bool b: json.WriteBooleanValue(b); break;
            case IReadOnlyList<string> list:
                json.WriteStartArray();
                for (var i = 0; i < list.Count; i++) json.WriteStringValue(list[i]);
                json.WriteEndArray();
                break;
            case var other: json.WriteStringValue(other.ToString()); break;
        }
    }

    /// <summary>The "before" or "after" side of some field changes as one JSON object.</summary>
    public static string ValuesJson(IReadOnlyList<FieldChange> changes, bool before) =>
        JsonText.Write((changes, before), static (json, state) => WriteValues(json, null, state.changes, state.before));

    public static string ValueJson(object? value) => JsonText.Write(value, static (json, v) => WriteValue(json, v));

    public static FiredRule ToContract(this RuleFiring firing) => new(firing.RuleId, firing.RuleVersion, RuleVocabulary.Name(firing.Action));
}
