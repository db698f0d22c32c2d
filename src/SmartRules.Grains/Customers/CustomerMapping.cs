using System.Text.Json.Nodes;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;

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

    public static AuditRecord ToRecord(this AuditEntry entry, DateTimeOffset at)
    {
        var before = new JsonObject();
        var after = new JsonObject();
        foreach (var change in entry.Changes)
        {
            before[change.Field] = Json(change.Before);
            after[change.Field] = Json(change.After);
        }

        return new AuditRecord(at, RuleVocabulary.Name(entry.Kind), entry.RuleId, entry.RuleVersion, entry.Trigger, before.ToJsonString(), after.ToJsonString(), entry.Note);
    }

    public static FiredRule ToContract(this RuleFiring firing) => new(firing.RuleId, firing.RuleVersion, RuleVocabulary.Name(firing.Action));

    private static JsonNode? Json(object? value) => value switch
    {
        null => null,
        decimal d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        string[] list => new JsonArray([.. list.Select(item => (JsonNode?)JsonValue.Create(item))]),
        _ => JsonValue.Create(value.ToString()),
    };
}
