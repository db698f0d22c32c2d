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
                json.WriteString("kind", RuleVocabulary.Name(entry.Kind));
                json.WriteString("ruleId", entry.RuleId);
                if (entry.RuleVersion is { } version) json.WriteNumber("ruleVersion", version);
                else json.WriteNull("ruleVersion");
                json.WriteString("trigger", entry.Trigger);
                if (!(created && i == 0)) WriteValues(json, "before", entry.Changes, before: true);
                WriteValues(json, "after", entry.Changes, before: false);
                json.WriteString("note", entry.Note);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }));
    }

    private static void WriteValues(Utf8JsonWriter json, string? name, IReadOnlyList<FieldChange> changes, bool before)
    {
        if (name is null) json.WriteStartObject();
        else json.WriteStartObject(name);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            json.WritePropertyName(change.Field);
            WriteValue(json, before ? change.Before : change.After);
        }

        json.WriteEndObject();
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
                foreach (var item in list) json.WriteStringValue(item);
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
