using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules.Definitions;
using static SmartRules.Domain.Tests.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>Every condition operator against the values that sit on its edges.</summary>
public sealed class ConditionTableTests
{
    private static readonly CustomerSnapshot Customer = new()
    {
        Id = "c1",
        Name = "Acme Ltd",
        OutstandingAmount = 5000m,
        DueAmount = 0m,
        OverdueAmount = -20m,
        Rating = Rating.B,
        AveragePaymentDelayDays = 30m,
        Workflow = "collections",
        CustomFields = CustomFields.From(new Dictionary<string, string?> { ["Segment"] = "B2B", ["Region"] = "EU, US" }),
    };

    [Theory]
    [InlineData("customFields.Segment", "contains", "B2B", true)]
    [InlineData("customFields.Segment", "contains", "b2b", false)]
    [InlineData("customFields.Segment", "contains", "B2", false)]
    [InlineData("customFields.Segment", "contains", "B2B, B2C", false)]
    [InlineData("customFields.Region", "contains", "EU, US", true)]
    [InlineData("customFields.Region", "contains", "EU", false)]
    [InlineData("customFields.segment", "contains", "B2B", false)]
    [InlineData("customFields.Missing", "contains", "B2B", false)]
    [InlineData("customFields.Segment", "doesNotContain", "B2B", false)]
    [InlineData("customFields.Segment", "doesNotContain", "B2C", true)]
    [InlineData("customFields.Missing", "doesNotContain", "B2B", true)]
    [InlineData("name", "contains", "Acme Ltd", true)]
    [InlineData("name", "contains", "Acme", false)]
    [InlineData("workflow", "contains", "collections", true)]
    [InlineData("workflow", "doesNotContain", "legal", true)]
    public void Text_conditions(string field, string op, string value, bool matches) =>
        Assert.Equal(matches, Matches(When(field, op, value)));

    [Theory]
    [InlineData("isAnyOf", new[] { "B2C", "B2B" }, true)]
    [InlineData("isAnyOf", new[] { "B2C", "b2b" }, false)]
    [InlineData("isNoneOf", new[] { "B2C", "B2B" }, false)]
    [InlineData("isNoneOf", new[] { "B2C", "Gov" }, true)]
    [InlineData("contains", new[] { "Gov", "B2B" }, true)]
    [InlineData("doesNotContain", new[] { "Gov", "B2B" }, false)]
    public void Several_values_in_one_condition_are_alternatives(string op, string[] values, bool matches) =>
        Assert.Equal(matches, Matches(WhenAny("customFields.Segment", op, values)));

    [Theory]
    [InlineData("outstandingAmount", "min", 5000, true)]
    [InlineData("outstandingAmount", "min", 5000.01, false)]
    [InlineData("outstandingAmount", "max", 5000, true)]
    [InlineData("outstandingAmount", "max", 4999.99, false)]
    [InlineData("outstandingAmount", "greaterThan", 5000, false)]
    [InlineData("outstandingAmount", "greaterThan", 4999, true)]
    [InlineData("outstandingAmount", "lessThan", 5000, false)]
    [InlineData("outstandingAmount", "lessThan", 5001, true)]
    [InlineData("dueAmount", "min", 0, true)]
    [InlineData("overdueAmount", "lessThan", 0, true)]
    [InlineData("averagePaymentDelayDays", "min", 30, true)]
    [InlineData("averagePaymentDelayDays", "greaterThan", 30, false)]
    public void Number_conditions(string field, string op, double bound, bool matches) =>
        Assert.Equal(matches, Matches(When(field, op, (decimal)bound)));

    [Fact]
    public void An_unknown_delay_matches_no_number_condition()
    {
        var unknownDelay = Customer with { AveragePaymentDelayDays = null };
        foreach (var op in new[] { "min", "max", "greaterThan", "lessThan" })
        {
            Assert.False(Matches(When("averagePaymentDelayDays", op, 0m), unknownDelay), op);
        }
    }

    [Fact]
    public void Two_conditions_on_one_field_are_ANDed_into_a_range()
    {
        Assert.True(Matches(When("outstandingAmount", "min", 1000m), When("outstandingAmount", "max", 5000m)));
        Assert.False(Matches(When("outstandingAmount", "min", 1000m), When("outstandingAmount", "max", 4000m)));
        Assert.False(Matches(When("customFields.Segment", "contains", "B2B"), When("customFields.Segment", "contains", "B2C")));
    }

    [Theory]
    [InlineData("isOneOf", new[] { "B" }, true)]
    [InlineData("isOneOf", new[] { "C", "D" }, false)]
    [InlineData("atLeast", new[] { "B" }, true)]
    [InlineData("atLeast", new[] { "A" }, false)]
    [InlineData("atLeast", new[] { "D" }, true)]
    [InlineData("atMost", new[] { "B" }, true)]
    [InlineData("atMost", new[] { "C" }, false)]
    [InlineData("atMost", new[] { "A" }, true)]
    public void Rating_conditions(string op, string[] value, bool matches)
    {
        var condition = op == "isOneOf" ? WhenAny("rating", op, value) : When("rating", op, value[0]);
        Assert.Equal(matches, Matches(condition));
    }

    [Theory]
    [InlineData("atLeast", "D")]
    [InlineData("atMost", "A")]
    public void Unrated_matches_no_rating_condition(string op, string rating)
    {
        var unrated = Customer with { Rating = null };
        Assert.False(Matches(When("rating", op, rating), unrated));
        Assert.False(Matches(WhenAny("rating", "isOneOf", "A", "B", "C", "D"), unrated));
    }

    private static bool Matches(ConditionDefinition condition, CustomerSnapshot? customer = null) =>
        Rule("r", Created, Exclude, condition).ConditionsHold(customer ?? Customer);

    private static bool Matches(params ConditionDefinition[] conditions) =>
        Rule("r", Created, Exclude, conditions).ConditionsHold(Customer);
}
