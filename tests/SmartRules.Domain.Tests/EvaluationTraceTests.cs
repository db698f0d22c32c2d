using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Evaluation.Tracing;
using static SmartRules.Domain.Tests.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>
/// The evaluation trace behind explain: per rule, the round that decided it, the trigger's values and reason, each
/// condition with its actual value and near-miss hint, the outcome and the effect — and the same decisions as without it.
/// </summary>
public sealed class EvaluationTraceTests
{
    private static readonly CustomerSnapshot At7000 = new CustomerUpdate
    {
        OutstandingAmount = 7000m,
        CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2B" },
    }.ApplyTo(CustomerSnapshot.BeforeCreation("c1"));

    private static (ChangeOutcome Outcome, EvaluationTrace Trace) Explain(CompiledRuleSet rules, CustomerSnapshot? current, CustomerUpdate update)
    {
        var trace = new EvaluationTrace();
        var outcome = CustomerProcessor.Apply(current, "c1", update, rules, Tenant, trace: trace);
        var plain = CustomerProcessor.Apply(current, "c1", update, rules, Tenant);
        Assert.Equal(plain.Customer, outcome.Customer);
        Assert.Equal(plain.Firings, outcome.Firings);
        Assert.Equal(plain.Audit, outcome.Audit);
        Assert.Equal(rules.Rules.Select(r => r.Id), trace.Rules.Select(r => r.Rule.Id));
        return (outcome, trace);
    }

    [Fact]
    public void A_customer_at_7000_paying_1000_does_not_cross_exceeds_5000()
    {
        var (_, trace) = Explain(Set(Rule("big", Outstanding("exceeds", 5000), Workflow("collections"))), At7000, new CustomerUpdate { OutstandingAmount = 6000m });

        var rule = Assert.Single(trace.Rules);
        Assert.Equal(RuleOutcome.NotTriggered, rule.Outcome);
        Assert.Equal(1, rule.Round);
        Assert.False(rule.Trigger!.Fired);
        Assert.Equal(7000m, rule.Trigger.Before);
        Assert.Equal(6000m, rule.Trigger.After);
        Assert.Equal("was already above 5000 before the change (7000 → 6000 does not exceed 5000)", rule.Trigger.Reason);
        Assert.Empty(rule.Effect);
    }

    [Theory]
    [InlineData(1000, 6000, true, "crossed 5000: 1000 → 6000 exceeds 5000")]
    [InlineData(1000, 5000, false, "did not cross 5000 (1000 → 5000 does not exceed 5000)")]
    [InlineData(5000, 5000.01, true, "crossed 5000: 5000 → 5000.01 exceeds 5000")]
    [InlineData(7000, 4000, false, "was already above 5000 before the change (7000 → 4000 does not exceed 5000)")]
    public void Crossing_reasons(double from, double to, bool fired, string reason)
    {
        var start = new CustomerUpdate { OutstandingAmount = (decimal)from }.ApplyTo(CustomerSnapshot.BeforeCreation("c1"));
        var (_, trace) = Explain(Set(Rule("big", Outstanding("exceeds", 5000), Workflow("collections"))), start, new CustomerUpdate { OutstandingAmount = (decimal)to });

        var rule = Assert.Single(trace.Rules);
        Assert.Equal(fired, rule.Trigger!.Fired);
        Assert.Equal(fired ? RuleOutcome.Fired : RuleOutcome.NotTriggered, rule.Outcome);
        Assert.Equal(reason, rule.Trigger.Reason);
    }

    [Theory]
    [InlineData("b2b", "B2B", "differs only in letter case")]
    [InlineData("B2B ", "B2B", "differs only in surrounding blanks")]
    [InlineData(" b2b", "B2B", "differs only in letter case and surrounding blanks")]
    [InlineData("B2B", "B2B, B2C", "the condition's value \"B2B, B2C\" is one text, compared as a whole, not a list: use isAnyOf [\"B2B\", \"B2C\"] for alternatives")]
    [InlineData("B2B, B2C", "B2B", "the customer's value \"B2B, B2C\" is a list written as one text; conditions compare the whole value, so it matches only a condition on that exact text")]
    [InlineData("Retail", "B2B", null)]
    public void Near_misses_of_a_text_condition_carry_a_hint(string actual, string written, string? hint)
    {
        var rules = Set(Rule("seg", CreatedOrUpdated, Workflow("collections"), When("customFields.Segment", "contains", written)));
        var (outcome, trace) = Explain(rules, null, new CustomerUpdate { CustomFields = new Dictionary<string, string?> { ["Segment"] = actual } });

        Assert.Empty(outcome.Firings);
        var rule = Assert.Single(trace.Rules);
        Assert.Equal(RuleOutcome.ConditionsFailed, rule.Outcome);
        Assert.True(rule.Trigger!.Fired);
        var condition = Assert.Single(rule.Conditions);
        Assert.Equal(("customFields.Segment", "contains", (object?)written, (object?)actual, false, hint),
            (condition.Field, condition.Operator, condition.Value, condition.Actual, condition.Passed, condition.Hint));
    }

    [Fact]
    public void A_missing_field_is_said_so()
    {
        var rules = Set(Rule("seg", CreatedOrUpdated, Workflow("collections"), When("customFields.Segment", "contains", "B2B"), When("averagePaymentDelayDays", "min", 10m)));
        var (_, trace) = Explain(rules, null, new CustomerUpdate { OutstandingAmount = 1m });

        var conditions = Assert.Single(trace.Rules).Conditions;
        Assert.Equal("the customer has no customFields.Segment: an empty or missing field contains nothing", conditions[0].Hint);
        Assert.Contains("unknown value matches no number condition", conditions[1].Hint, StringComparison.Ordinal);
        Assert.All(conditions, c => Assert.Null(c.Actual));
    }

    [Fact]
    public void A_cascade_reports_each_rule_in_the_round_that_decided_it_with_its_effect()
    {
        var rules = Set(
            Rule("pay", CreatedOrUpdated, PaymentMethods("card"), When("workflow", "contains", "collections")),
            Rule("big", Outstanding("exceeds", 5000), Workflow("collections")),
            Rule("never", Outstanding("fallsBelow", 100), Workflow("vip")));
        var (outcome, trace) = Explain(rules, At7000 with { OutstandingAmount = 1000m }, new CustomerUpdate { OutstandingAmount = 6000m });

        Assert.Equal(["big", "pay"], outcome.Firings.Select(f => f.RuleId));
        var (pay, big, never) = (trace.Rules[0], trace.Rules[1], trace.Rules[2]);
        Assert.Equal((RuleOutcome.Fired, 2), (pay.Outcome, pay.Round));
        Assert.True(pay.Trigger!.Fired);
        Assert.Equal("rule actions of round 1 changed the customer", pay.Trigger.Reason);
        Assert.True(Assert.Single(pay.Conditions).Passed);
        Assert.Equal("paymentMethods", Assert.Single(pay.Effect).Field);
        Assert.Equal((RuleOutcome.Fired, 1), (big.Outcome, big.Round));
        var workflow = Assert.Single(big.Effect);
        Assert.Equal(("workflow", (object?)null, (object?)"collections"), (workflow.Field, workflow.Before, workflow.After));
        Assert.Equal((RuleOutcome.NotTriggered, 1), (never.Outcome, never.Round));
    }

    [Fact]
    public void The_second_workflow_rule_of_a_round_loses_the_conflict()
    {
        var rules = Set(
            Rule("first", Outstanding("exceeds", 5000), Workflow("collections")),
            Rule("second", CreatedOrUpdated, Workflow("legal")));
        var (outcome, trace) = Explain(rules, At7000 with { OutstandingAmount = 0m }, new CustomerUpdate { OutstandingAmount = 6000m });

        Assert.Equal("collections", outcome.Customer.Workflow);
        Assert.Equal(RuleOutcome.Fired, trace.Rules[0].Outcome);
        Assert.Equal(RuleOutcome.LostConflict, trace.Rules[1].Outcome);
        Assert.Contains("'first'", trace.Rules[1].Note, StringComparison.Ordinal);
        Assert.Empty(trace.Rules[1].Effect);
    }

    [Fact]
    public void Rules_after_an_exclusion_in_the_same_round_are_not_reached()
    {
        var rules = Set(
            Rule("out", Delay("exceeds", 90), Exclude),
            Rule("after", CreatedOrUpdated, Workflow("legal")),
            Rule("untriggered", Created, Workflow("vip")));
        var (outcome, trace) = Explain(rules, At7000, new CustomerUpdate { AveragePaymentDelayDays = 120m });

        Assert.True(outcome.Customer.Excluded);
        Assert.Equal(
            [RuleOutcome.Fired, RuleOutcome.NotReached, RuleOutcome.NotTriggered],
            trace.Rules.Select(r => r.Outcome));
        Assert.Contains("(an unknown previous delay counts as 0)", trace.Rules[0].Trigger!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_user_makes_the_rule_skipped()
    {
        var directory = new Tenants.TenantDirectory(["ann@acme.test"], ["collections"]);
        var rule = Rule("mail", CreatedOrUpdated, UsersFromFields("Owner"));
        var trace = new EvaluationTrace();
        var outcome = CustomerProcessor.Apply(null, "c1", new CustomerUpdate { CustomFields = new Dictionary<string, string?> { ["Owner"] = "zed@acme.test" } }, Set(rule), directory, trace: trace);

        Assert.Empty(outcome.Firings);
        Assert.Equal(RuleOutcome.Skipped, Assert.Single(trace.Rules).Outcome);
        Assert.NotNull(trace.Rules[0].Note);
    }

    [Fact]
    public void An_update_that_changes_nothing_leaves_every_rule_not_triggered()
    {
        var rules = Set(Rule("any", CreatedOrUpdated, Workflow("collections")), Rule("big", Outstanding("exceeds", 5000), Workflow("legal")));
        var (outcome, trace) = Explain(rules, At7000, new CustomerUpdate { OutstandingAmount = 7000.00m });

        Assert.Equal(ChangeStatus.Unchanged, outcome.Status);
        Assert.All(trace.Rules, r => Assert.Equal((RuleOutcome.NotTriggered, 1), (r.Outcome, r.Round)));
    }

    [Fact]
    public void Rating_thresholds_say_why_in_letters()
    {
        var start = At7000 with { Rating = Rating.C };
        var (_, trace) = Explain(Set(Rule("worse", RatingThreshold("fallsBelow", "B"), Workflow("collections"))), start, new CustomerUpdate { Rating = Rating.D });

        var trigger = Assert.Single(trace.Rules).Trigger!;
        Assert.Equal(("C", "D", false), (trigger.Before, trigger.After, trigger.Fired));
        Assert.Equal("was already worse than B before the change (C → D does not fall below B)", trigger.Reason);
    }
}
