using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules.Actions;
using static SmartRules.Domain.Tests.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>One test per example of DESIGN.md §2, in the order the contract gives them.</summary>
public sealed class DesignExampleTests
{
    private static readonly CustomerUpdate B2B = new() { CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2B" } };

    [Fact]
    public void Exceeds_5k_does_not_fire_when_the_amount_goes_from_7k_to_6k()
    {
        var history = new CustomerHistory(Set(Rule("big", Outstanding("exceeds", 5000), Workflow("collections"))));
        history.Apply(new CustomerUpdate { OutstandingAmount = 7000m });
        var outcome = history.Outstanding(6000m);

        Assert.Equal(ChangeStatus.Updated, outcome.Status);
        Assert.Empty(outcome.Firings);
    }

    [Fact]
    public void A_customer_already_beyond_the_threshold_is_not_touched_by_a_new_rule()
    {
        var history = new CustomerHistory(CompiledRuleSet.Empty);
        history.Outstanding(7000m);
        var withRule = new CustomerHistory(Set(Rule("big", Outstanding("exceeds", 5000), Workflow("collections"))));
        var outcome = CustomerProcessor.Apply(history.Current, "c1", new CustomerUpdate { OutstandingAmount = 8000m }, withRule.RulesForTest(), Tenant);

        Assert.Empty(outcome.Firings);
        Assert.Null(outcome.Customer.Workflow);
    }

    [Fact]
    public void A_new_customer_starts_from_zero_so_creating_it_at_7k_crosses_exceeds_5k()
    {
        var history = new CustomerHistory(Set(Rule("big", Outstanding("exceeds", 5000), Workflow("collections"))));
        var outcome = history.Outstanding(7000m);

        Assert.Equal(ChangeStatus.Created, outcome.Status);
        Assert.Equal("collections", outcome.Customer.Workflow);
    }

    [Fact]
    public void A_new_customer_starts_unrated_which_ranks_below_D()
    {
        var rules = Set(
            Rule("to-b", RatingThreshold("exceeds", "C"), Workflow("vip")),
            Rule("to-d", RatingThreshold("exceeds", "D"), PaymentMethods("card")));
        var outcome = new CustomerHistory(rules).Apply(new CustomerUpdate { Rating = Rating.D });

        Assert.Null(outcome.Customer.Workflow);
        Assert.Empty(outcome.Firings);

        outcome = new CustomerHistory(rules).Apply(new CustomerUpdate { Rating = Rating.B });
        Assert.Equal(["to-b", "to-d"], outcome.Firings.Select(f => f.RuleId));
    }

    [Fact]
    public void A_new_customer_with_a_negative_delay_crosses_falls_below_zero()
    {
        var outcome = new CustomerHistory(Set(Rule("early", Delay("fallsBelow", 0), Workflow("vip"))))
            .Apply(new CustomerUpdate { AveragePaymentDelayDays = -3m });

        Assert.Equal("vip", outcome.Customer.Workflow);
    }

    [Fact]
    public void A_value_becoming_unset_fires_nothing()
    {
        var history = new CustomerHistory(Set(
            Rule("rating-drop", RatingThreshold("fallsBelow", "C"), Workflow("collections")),
            Rule("delay-drop", Delay("fallsBelow", 10), Workflow("vip"))));
        history.Apply(new CustomerUpdate { Rating = Rating.B, AveragePaymentDelayDays = 20m });

        var outcome = history.Apply(new CustomerUpdate { Rating = new Optional<Rating?>(null), AveragePaymentDelayDays = new Optional<decimal?>(null) });

        Assert.Equal(ChangeStatus.Updated, outcome.Status);
        Assert.Null(outcome.Customer.Rating);
        Assert.Empty(outcome.Firings);
    }

    [Theory]
    [InlineData("exceeds", "B", "C", "A", true)]
    [InlineData("exceeds", "B", "C", "B", false)]
    [InlineData("exceeds", "B", "B", "A", true)]
    [InlineData("exceeds", "C", "D", "B", true)]
    [InlineData("exceeds", "C", "D", "A", true)]
    [InlineData("exceeds", "C", "D", "C", false)]
    [InlineData("exceeds", "C", "B", "A", false)]
    [InlineData("fallsBelow", "A", "A", "B", true)]
    [InlineData("fallsBelow", "A", "A", "C", true)]
    [InlineData("fallsBelow", "A", "A", "D", true)]
    [InlineData("fallsBelow", "A", "B", "C", false)]
    [InlineData("fallsBelow", "C", "A", "D", true)]
    [InlineData("fallsBelow", "C", "B", "D", true)]
    [InlineData("fallsBelow", "C", "C", "D", true)]
    [InlineData("fallsBelow", "C", "B", "C", false)]
    public void Rating_thresholds_fire_exactly_as_the_contract_lists(string direction, string threshold, string from, string to, bool fires)
    {
        var history = new CustomerHistory(Set(Rule("r", RatingThreshold(direction, threshold), PaymentMethods("card"))));
        history.Apply(new CustomerUpdate { Rating = Parse(from), Name = "start" });
        var before = history.Current!.PaymentMethods;

        var outcome = history.Apply(new CustomerUpdate { Rating = Parse(to) });

        Assert.Equal(fires, outcome.Firings.Count == 1);
        if (!fires) Assert.Equal(before, outcome.Customer.PaymentMethods);
    }

    [Theory]
    [InlineData("B2B", true)]
    [InlineData("b2b", false)]
    [InlineData("B2B, B2C", false)]
    [InlineData("B2B ", false)]
    [InlineData("", false)]
    public void Text_matching_is_exact_whole_value_and_case_sensitive(string segment, bool matches)
    {
        var outcome = new CustomerHistory(Set(Rule("b2b", Created, Workflow("vip"), When("customFields.Segment", "contains", "B2B"))))
            .Apply(new CustomerUpdate { CustomFields = new Dictionary<string, string?> { ["Segment"] = segment } });

        Assert.Equal(matches, outcome.Customer.Workflow == "vip");
    }

    [Fact]
    public void A_condition_value_with_a_comma_only_matches_that_literal_value()
    {
        var rules = Set(Rule("both", Created, Workflow("vip"), When("customFields.Segment", "contains", "B2B, B2C")));

        Assert.Null(new CustomerHistory(rules).Apply(B2B).Customer.Workflow);
        Assert.Equal("vip", new CustomerHistory(rules).Apply(new CustomerUpdate { CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2B, B2C" } }).Customer.Workflow);
    }

    [Fact]
    public void An_empty_custom_field_is_skipped_and_the_others_are_still_assigned()
    {
        var rules = Set(Rule("owners", Created, UsersFromFields("CSM email", "AE email")));
        var outcome = new CustomerHistory(rules).Apply(new CustomerUpdate
        {
            CustomFields = new Dictionary<string, string?> { ["CSM email"] = "ann@acme.test", ["AE email"] = "" },
        });

        Assert.Equal(["ann@acme.test"], outcome.Customer.AssignedUsers);
        var fired = Assert.Single(outcome.Audit, a => a.Kind == AuditKind.RuleFired);
        Assert.Contains("'AE email' is empty", fired.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_user_email_is_skipped_and_recorded_in_the_audit_trail()
    {
        var rules = Set(Rule("owners", Created, UsersFromFields("CSM email", "AE email")));
        var outcome = new CustomerHistory(rules).Apply(new CustomerUpdate
        {
            CustomFields = new Dictionary<string, string?> { ["CSM email"] = "ANN@acme.test", ["AE email"] = "zed@elsewhere.test" },
        });

        Assert.Equal(["ann@acme.test"], outcome.Customer.AssignedUsers);
        var fired = Assert.Single(outcome.Audit, a => a.Kind == AuditKind.RuleFired);
        Assert.Contains("'zed@elsewhere.test' in custom field 'AE email' is not in the user directory", fired.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Exclusion_is_irreversible_later_updates_are_refused_and_history_is_kept()
    {
        var history = new CustomerHistory(Set(
            Rule("out", Created, Exclude, When("customFields.Status", "contains", "closed")),
            Rule("any", CreatedOrUpdated, Workflow("collections"))));
        var created = history.Apply(new CustomerUpdate { CustomFields = new Dictionary<string, string?> { ["Status"] = "closed" } });

        Assert.True(created.Customer.Excluded);
        Assert.Contains(created.Audit, a => a.Kind == AuditKind.Excluded && a.RuleId == "out");
        Assert.Contains(created.Audit, a => a.Kind == AuditKind.RuleSkipped && a.RuleId == "any");
        Assert.Null(created.Customer.Workflow);

        var later = history.Outstanding(9000m);
        Assert.Equal(ChangeStatus.RefusedExcluded, later.Status);
        Assert.Same(created.Customer, later.Customer);
        Assert.Empty(later.Audit);
    }

    [Fact]
    public void The_first_rule_in_the_list_wins_a_workflow_conflict()
    {
        var outcome = new CustomerHistory(Set(
            Rule("first", Outstanding("exceeds", 5000), Workflow("collections")),
            Rule("second", Outstanding("exceeds", 1000), Workflow("legal")))).Outstanding(7000m);

        Assert.Equal("collections", outcome.Customer.Workflow);
        Assert.Equal(["first"], outcome.Firings.Select(f => f.RuleId));
        var lost = Assert.Single(outcome.Audit, a => a.Kind == AuditKind.RuleSkipped);
        Assert.Equal("second", lost.RuleId);
        Assert.Contains("lost a conflict", lost.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Reordering_the_rules_changes_the_winner()
    {
        var first = Rule("first", Outstanding("exceeds", 5000), Workflow("collections"));
        var second = Rule("second", Outstanding("exceeds", 1000), Workflow("legal"));

        Assert.Equal("legal", new CustomerHistory(Set(second, first)).Outstanding(7000m).Customer.Workflow);
    }

    [Fact]
    public void Created_or_updated_rules_see_a_workflow_assigned_by_another_rule()
    {
        var outcome = new CustomerHistory(Set(
            Rule("to-collections", Outstanding("exceeds", 5000), Workflow("collections")),
            Rule("collections-owner", CreatedOrUpdated, Users("bob@acme.test"), When("workflow", "contains", "collections")))).Outstanding(7000m);

        Assert.Equal(["bob@acme.test"], outcome.Customer.AssignedUsers);
        Assert.Equal(2, outcome.Rounds);
    }

    [Fact]
    public void Two_rules_that_flip_a_workflow_back_and_forth_terminate()
    {
        var history = new CustomerHistory(Set(
            Rule("a-to-b", CreatedOrUpdated, Workflow("legal"), When("workflow", "contains", "collections")),
            Rule("b-to-a", CreatedOrUpdated, Workflow("collections"), When("workflow", "contains", "legal"))));

        var outcome = history.Apply(new CustomerUpdate { Workflow = "collections" });

        Assert.Equal(["a-to-b", "b-to-a"], outcome.Firings.Select(f => f.RuleId));
        Assert.Equal("collections", outcome.Customer.Workflow);
        Assert.Equal(2, outcome.Rounds);
    }

    [Fact]
    public void Rule_assignments_override_manual_ones_when_the_rule_fires()
    {
        var outcome = new CustomerHistory(Set(Rule("auto", CreatedOrUpdated, Workflow("collections"), When("outstandingAmount", "min", 1000))))
            .Apply(new CustomerUpdate { OutstandingAmount = 2000m, Workflow = "legal" });

        Assert.Equal("collections", outcome.Customer.Workflow);
    }

    [Fact]
    public void An_update_that_changes_nothing_is_not_a_change()
    {
        var history = new CustomerHistory(Set(Rule("any", CreatedOrUpdated, Notify("ann@acme.test"))));
        history.Outstanding(7000m);
        var outcome = history.Outstanding(7000.00m);

        Assert.Equal(ChangeStatus.Unchanged, outcome.Status);
        Assert.Empty(outcome.Audit);
        Assert.Empty(outcome.Notifications);
    }

    [Fact]
    public void Conditions_are_judged_on_the_state_after_the_change()
    {
        var history = new CustomerHistory(Set(Rule("big-b2b", Outstanding("exceeds", 5000), Workflow("collections"), When("customFields.Segment", "contains", "B2B"))));
        history.Outstanding(1000m);
        var outcome = history.Apply(new CustomerUpdate { OutstandingAmount = 6000m, CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2B" } });

        Assert.Equal("collections", outcome.Customer.Workflow);
    }

    [Fact]
    public void Send_notification_plans_one_notification_with_the_customer_as_it_was_when_the_rule_fired()
    {
        var outcome = new CustomerHistory(Set(Rule("n", Outstanding("exceeds", 5000), Notify("CARLA@acme.test", "email"))))
            .Apply(new CustomerUpdate { Name = "Acme", OutstandingAmount = 7000m });

        var notification = Assert.Single(outcome.Notifications);
        Assert.Equal("Carla@Acme.test", notification.Recipient);
        Assert.Equal(NotificationChannel.Email, notification.Channel);
        Assert.Equal(7000m, notification.Customer.OutstandingAmount);
        Assert.Equal("Acme", notification.Customer.Name);
    }

    [Fact]
    public void A_notification_to_the_user_in_an_empty_field_is_skipped_and_audited()
    {
        var outcome = new CustomerHistory(Set(Rule("n", Created, NotifyField("CSM email")))).Outstanding(10m);

        Assert.Empty(outcome.Notifications);
        var skipped = Assert.Single(outcome.Audit, a => a.Kind == AuditKind.RuleSkipped);
        Assert.Contains("no notification sent", skipped.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-5, "A")]
    [InlineData(30, "A")]
    [InlineData(30.01, "B")]
    [InlineData(60, "B")]
    [InlineData(90, "C")]
    [InlineData(90.5, "D")]
    public void A_tenant_may_derive_the_rating_from_the_delay(decimal delay, string expected)
    {
        var outcome = new CustomerHistory(CompiledRuleSet.Empty, RatingSource.DerivedFromDelay)
            .Apply(new CustomerUpdate { AveragePaymentDelayDays = delay });

        Assert.Equal(Parse(expected), outcome.Customer.Rating);
    }

    [Fact]
    public void A_derived_rating_crossing_fires_rating_rules()
    {
        var history = new CustomerHistory(Set(Rule("slow", RatingThreshold("fallsBelow", "C"), Workflow("collections"))), RatingSource.DerivedFromDelay);
        history.Apply(new CustomerUpdate { AveragePaymentDelayDays = 45m });
        var outcome = history.Apply(new CustomerUpdate { AveragePaymentDelayDays = 120m });

        Assert.Equal(Rating.D, outcome.Customer.Rating);
        Assert.Equal("collections", outcome.Customer.Workflow);
    }

    private static Rating? Parse(string rating) => Ratings.TryParse(rating, out var r) ? r : null;
}
