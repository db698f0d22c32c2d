using System.Globalization;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules;
using SmartRules.Grains.Rules;

namespace SmartRules.Grains.Tests.Filters;

/// <summary>
/// The contract's filter semantics, one row per operator and edge, through the SQL that lists customers and selects
/// backfill candidates — including the operators no test took to PostgreSQL before (isNoneOf, greaterThan, lessThan,
/// atLeast, atMost) and the threshold "beyond" selection. Each row also requires the domain to agree.
/// </summary>
public sealed class FilterSqlTableTests(CustomerTableFixture table) : IClassFixture<CustomerTableFixture>
{
    private static readonly ScenarioCustomer[] Customers =
    [
        Customer("upper", "Acme", "B2B", 7000m, "B", 45m, "collections"),
        Customer("lower", "acme", "b2b", 7000.00m, "A", null, null),
        Customer("literal", "Beta", "B2B, B2C", 6000m, null, 90m, "legal"),
        Customer("blank", "Gamma ", " B2B", -50m, "D", -3m, null),
        Customer("none", null, null, 0m, "C", 30m, null),
        Customer("excluded", "Acme", "B2B", 9000m, "A", 120m, "collections") with { Excluded = true },
    ];

    [Theory]
    [InlineData("customFields.Segment", "contains", "B2B", "upper excluded")] // whole value, case-sensitive, blanks count
    [InlineData("customFields.Segment", "contains", "B2B, B2C", "literal")] // a list-looking value is one literal text
    [InlineData("customFields.Segment", "doesNotContain", "B2B", "lower literal blank none")] // a missing field contains nothing
    [InlineData("customFields.Segment", "isAnyOf", "B2B|b2b", "upper lower excluded")]
    [InlineData("customFields.Segment", "isNoneOf", "B2B|b2b", "literal blank none")]
    [InlineData("customFields.segment", "contains", "B2B", "")] // field names are case-sensitive too
    [InlineData("name", "contains", "Acme", "upper excluded")]
    [InlineData("name", "contains", "Gamma", "")]
    [InlineData("name", "isNoneOf", "Acme|Beta", "lower blank none")]
    [InlineData("workflow", "contains", "collections", "upper excluded")]
    [InlineData("workflow", "isNoneOf", "collections|legal", "lower blank none")]
    [InlineData("outstandingAmount", "greaterThan", "7000", "excluded")] // 7000 and 7000.00 are the same amount
    [InlineData("outstandingAmount", "min", "7000.000", "upper lower excluded")]
    [InlineData("outstandingAmount", "max", "7000", "upper lower literal blank none")]
    [InlineData("outstandingAmount", "lessThan", "0", "blank")]
    [InlineData("averagePaymentDelayDays", "lessThan", "0", "blank")] // an unknown delay matches no number condition
    [InlineData("averagePaymentDelayDays", "max", "1000", "upper literal blank none excluded")]
    [InlineData("averagePaymentDelayDays", "greaterThan", "30", "upper literal excluded")]
    [InlineData("rating", "atLeast", "B", "upper lower excluded")] // unrated matches no rating condition
    [InlineData("rating", "atMost", "C", "blank none")]
    [InlineData("rating", "atMost", "A", "upper lower blank none excluded")]
    [InlineData("rating", "isOneOf", "D|C", "blank none")]
    public async Task A_condition_lists_the_customers_it_matches_and_a_bulk_action_takes_the_non_excluded_ones(string field, string op, string value, string expected)
    {
        var comparison = await CompareAsync([Condition(field, op, value)], new TriggerDto("customerCreatedOrUpdated"));

        Assert.Empty(comparison.Disagreements);
        Assert.Equal(Ids(expected), Sorted(comparison.Selected["list"]));
        Assert.Equal(Ids(expected).Where(id => id != "excluded"), Sorted(comparison.Selected["bulk action"]));
    }

    [Theory]
    [InlineData("outstandingAmountThreshold", "exceeds", "5000", "upper lower literal")] // already beyond: only a backfill reaches them
    [InlineData("outstandingAmountThreshold", "exceeds", "7000", "")] // strictly beyond
    [InlineData("outstandingAmountThreshold", "fallsBelow", "0", "blank")]
    [InlineData("averagePaymentDelayThreshold", "exceeds", "30", "upper literal")] // an unknown delay is never beyond
    [InlineData("averagePaymentDelayThreshold", "fallsBelow", "30", "blank")]
    [InlineData("ratingThreshold", "exceeds", "B", "lower")]
    [InlineData("ratingThreshold", "fallsBelow", "C", "blank")] // unrated is never beyond
    [InlineData("ratingThreshold", "fallsBelow", "A", "upper blank none")]
    public async Task A_threshold_rule_backfill_selects_the_customers_already_beyond_it(string type, string direction, string value, string expected)
    {
        var threshold = type == "ratingThreshold"
            ? new RuleValueDto(RuleValueKind.Text, Text: value)
            : new RuleValueDto(RuleValueKind.Number, decimal.Parse(value, CultureInfo.InvariantCulture));

        var comparison = await CompareAsync([], new TriggerDto(type, direction, threshold));

        Assert.Empty(comparison.Disagreements);
        Assert.Equal(Ids(expected), Sorted(comparison.Selected["rule backfill"]));
    }

    [Fact]
    public async Task A_threshold_rule_backfill_also_requires_the_rule_s_conditions()
    {
        var comparison = await CompareAsync(
            [Condition("customFields.Segment", "isNoneOf", "b2b")],
            new TriggerDto("outstandingAmountThreshold", "exceeds", new RuleValueDto(RuleValueKind.Number, 5000m)),
            ruleConditions: true);

        Assert.Empty(comparison.Disagreements);
        Assert.Equal(["literal", "upper"], Sorted(comparison.Selected["rule backfill"]));
    }

    [Fact]
    public void A_NUL_which_PostgreSQL_text_cannot_hold_is_refused_before_any_query_or_write()
    {
        // So the property does not generate it: no filter value and no customer text can carry one to the database.
        var (conditions, problems) = new[] { Condition("customFields.Segment", "contains", "B2B\0"), Condition("name", "isNoneOf", "a|\0") }
            .Compile(FilterAgreement.Directory);
        var update = new CustomerUpdate { Name = "a\0", CustomFields = new Dictionary<string, string?> { ["Segment"] = "a\0b" } };

        Assert.Null(conditions);
        Assert.Equal(["conditions[0].value", "conditions[1].value[1]"], problems.Select(p => p.Path));
        Assert.Equal(["name", "customFields.Segment"], CustomerUpdateChecks.Check(update, FilterAgreement.Directory, RatingSource.Provided, out _).Select(p => p.Path));
    }

    private Task<FilterComparison> CompareAsync(ConditionDto[] filter, TriggerDto trigger, bool ruleConditions = false)
    {
        var rule = new RuleDefinitionDto("rule", trigger, ruleConditions ? filter : [], new ActionDto("assignWorkflow") { WorkflowId = "collections" });
        return new FilterAgreement(table).CompareAsync(new FilterScenario(RatingSource.Provided, Customers, filter, [rule], PageSize: 2));
    }

    private static ConditionDto Condition(string field, string op, string value) => new(field, op, op switch
    {
        _ when RuleVocabulary.NumberOperators.Contains(op) => new RuleValueDto(RuleValueKind.Number, decimal.Parse(value, CultureInfo.InvariantCulture)),
        "isAnyOf" or "isNoneOf" or "isOneOf" => new RuleValueDto(RuleValueKind.TextList, List: value.Split('|')),
        _ => new RuleValueDto(RuleValueKind.Text, Text: value),
    });

    private static ScenarioCustomer Customer(string id, string? name, string? segment, decimal outstanding, string? rating, decimal? delay, string? workflow) =>
        new(id, new CustomerUpdateCommand
        {
            Name = Patch.Set(name),
            OutstandingAmount = Patch.Set(outstanding),
            Rating = Patch.Set(rating),
            AveragePaymentDelayDays = Patch.Set(delay),
            Workflow = Patch.Set(workflow),
            CustomFields = segment is null ? null : new Dictionary<string, string?> { ["Segment"] = segment },
        });

    private static string[] Ids(string expected) => [.. expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    private static string[] Sorted(IReadOnlyList<string> ids) => [.. ids.Order(StringComparer.Ordinal)];
}
