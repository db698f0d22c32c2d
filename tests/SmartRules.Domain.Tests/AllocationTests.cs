using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using static SmartRules.Domain.Tests.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>Evaluating a change that fires nothing allocates nothing, whatever the number of rules.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Evaluating_100_rules_that_do_not_fire_allocates_nothing()
    {
        var rules = new CompiledRuleSet(1, Enumerable.Range(0, 100).Select(i => (i % 4) switch
        {
            0 => Rule($"t{i}", Outstanding("exceeds", 10_000 + i), Workflow("collections")),
            1 => Rule($"u{i}", CreatedOrUpdated, Users("ann@acme.test"), When("customFields.Segment", "contains", "B2C"), When("outstandingAmount", "min", 100m)),
            2 => Rule($"r{i}", RatingThreshold("fallsBelow", "C"), PaymentMethods("card"), WhenAny("customFields.Plan", "isAnyOf", "Gold", "Silver")),
            _ => Rule($"d{i}", Delay("exceeds", 90), Exclude, When("rating", "atMost", "C")),
        }));
        var before = new CustomerUpdate
        {
            OutstandingAmount = 1000m,
            Rating = Rating.B,
            AveragePaymentDelayDays = 10m,
            CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2B", ["Plan"] = "Basic" },
        }.ApplyTo(CustomerSnapshot.BeforeCreation("c1"));
        var after = before with { OutstandingAmount = 1100m };

        rules.Evaluate(before, after, false, Tenant);
        var start = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Assert.False(rules.Evaluate(before, after, false, Tenant).AnyRuleMatched);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - start);
    }
}
