using System.Text;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Customers;

namespace SmartRules.Grains.Tests.Filters;

/// <summary>Customers of one tenant, a list filter (also the filter of a bulk action), and rules to backfill.</summary>
internal sealed record FilterScenario(
    RatingSource RatingSource,
    IReadOnlyList<ScenarioCustomer> Customers,
    IReadOnlyList<ConditionDto> Filter,
    IReadOnlyList<RuleDefinitionDto> Rules,
    int PageSize)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"ratingSource={RatingSource}, pageSize={PageSize}");
        text.AppendLine("filter: " + Describe(Filter));
        for (var i = 0; i < Rules.Count; i++)
        {
            var t = Rules[i].Trigger!;
            var trigger = t.Direction is null ? t.Type : $"{t.Type} {t.Direction} {Describe(t.Value)}";
            text.AppendLine($"rule r{i}: {trigger} if {Describe(Rules[i].Conditions ?? [])}");
        }

        foreach (var customer in Customers) text.AppendLine("  " + customer);
        return text.ToString();
    }

    public static string Describe(IReadOnlyList<ConditionDto> conditions) =>
        conditions.Count == 0 ? "(none)" : string.Join(" and ", conditions.Select(c => $"{ScenarioCustomer.Show(c.Field)} {c.Operator} {Describe(c.Value)}"));

    private static string Describe(RuleValueDto? value) => value?.Kind switch
    {
        RuleValueKind.Number => ScenarioCustomer.Show(value.Number),
        RuleValueKind.Text => ScenarioCustomer.Show(value.Text),
        RuleValueKind.TextList => "[" + string.Join(", ", value.List!.Select(ScenarioCustomer.Show)) + "]",
        _ => "?",
    };
}
