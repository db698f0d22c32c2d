using System.Text;
using System.Text.Json;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;

namespace SmartRules.Grains.Tests.Filters;

/// <summary>
/// One customer as a client makes it: created by one update, maybe changed by a second, maybe excluded (by a rule,
/// in production; set directly here, since only the flag matters to a filter).
/// </summary>
internal sealed record ScenarioCustomer(string Id, CustomerUpdateCommand Created, CustomerUpdateCommand? Updated = null, bool Excluded = false)
{
    public override string ToString()
    {
        var text = new StringBuilder($"{Show(Id)}: {Describe(Created)}");
        if (Updated is not null) text.Append(" then ").Append(Describe(Updated));
        if (Excluded) text.Append(" then excluded");
        return text.ToString();
    }

    private static string Describe(CustomerUpdateCommand c)
    {
        var parts = new List<string>();
        void Add<T>(string name, Patch<T> patch, Func<T, string> show)
        {
            if (patch.IsSet) parts.Add($"{name}={show(patch.Value)}");
        }

        Add("name", c.Name, Show);
        Add("outstanding", c.OutstandingAmount, d => Show(d));
        Add("due", c.DueAmount, d => Show(d));
        Add("overdue", c.OverdueAmount, d => Show(d));
        Add("rating", c.Rating, Show);
        Add("delay", c.AveragePaymentDelayDays, Show);
        Add("workflow", c.Workflow, Show);
        if (c.CustomFields is { } fields) parts.Add("customFields={" + string.Join(", ", fields.Select(f => $"{Show(f.Key)}: {Show(f.Value)}")) + "}");
        if (c.AssignedUsers is { } users) parts.Add($"users=[{string.Join(", ", users)}]");
        if (c.PaymentMethods is { } methods) parts.Add($"methods=[{string.Join(", ", methods)}]");
        return "{" + string.Join("; ", parts) + "}";
    }

    /// <summary>Texts as JSON string literals: every non-ASCII or invisible character escaped, so edge values read unambiguously.</summary>
    public static string Show(string? text) => text is null ? "null" : JsonSerializer.Serialize(text);

    public static string Show(decimal? number) => number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null";
}
