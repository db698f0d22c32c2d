using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using static SmartRules.Domain.Tests.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>Rounds: who sees what, who wins, and when the cascade stops.</summary>
public sealed class CascadeTests
{
    [Fact]
    public void A_rule_fires_at_most_once_per_external_change()
    {
        // "any" would match every round because each round changes the customer.
        var outcome = new CustomerHistory(Set(
            Rule("any", CreatedOrUpdated, Notify("ann@acme.test")),
            Rule("wf", CreatedOrUpdated, Workflow("collections")),
            Rule("pay", CreatedOrUpdated, PaymentMethods("card"), When("workflow", "contains", "collections")))).Outstanding(10m);

        Assert.Equal(["any", "wf", "pay"], outcome.Firings.Select(f => f.RuleId));
        Assert.Single(outcome.Notifications);
        Assert.Equal(2, outcome.Rounds);
    }

    [Fact]
    public void Across_rounds_the_later_value_stands()
    {
        var outcome = new CustomerHistory(Set(
            Rule("first", Outstanding("exceeds", 100), Workflow("collections")),
            Rule("escalate", CreatedOrUpdated, Workflow("legal"), When("workflow", "contains", "collections")))).Outstanding(500m);

        Assert.Equal("legal", outcome.Customer.Workflow);
        Assert.DoesNotContain(outcome.Audit, a => a.Kind == AuditKind.RuleSkipped);
    }

    [Fact]
    public void A_rule_that_lost_a_conflict_has_used_its_one_firing()
    {
        // "second" loses in round 1; round 2 (caused by "pay") would match it again, but it does not fire.
        var outcome = new CustomerHistory(Set(
            Rule("first", CreatedOrUpdated, Workflow("collections")),
            Rule("second", CreatedOrUpdated, Workflow("legal")),
            Rule("pay", CreatedOrUpdated, PaymentMethods("card")))).Outstanding(500m);

        Assert.Equal("collections", outcome.Customer.Workflow);
        Assert.Equal(1, outcome.Audit.Count(a => a.RuleId == "second"));
    }

    [Fact]
    public void Sets_do_not_conflict_every_matching_rule_adds_its_users_and_methods()
    {
        var outcome = new CustomerHistory(Set(
            Rule("u1", Created, Users("ann@acme.test")),
            Rule("u2", Created, Users("bob@acme.test")),
            Rule("p1", Created, PaymentMethods("card")),
            Rule("p2", Created, PaymentMethods("bankTransfer", "directDebit")))).Outstanding(1m);

        Assert.Equal(["ann@acme.test", "bob@acme.test"], outcome.Customer.AssignedUsers);
        Assert.Equal(Customers.PaymentMethods.Card | Customers.PaymentMethods.BankTransfer | Customers.PaymentMethods.DirectDebit, outcome.Customer.PaymentMethods);
    }

    [Fact]
    public void Exclusion_skips_the_rest_of_the_round_and_runs_no_further_round_what_came_before_stands()
    {
        var outcome = new CustomerHistory(Set(
            Rule("wf", Created, Workflow("collections")),
            Rule("out", Created, Exclude),
            Rule("notify", Created, Notify("ann@acme.test")),
            Rule("later", CreatedOrUpdated, PaymentMethods("card"), When("workflow", "contains", "collections")))).Outstanding(1m);

        Assert.True(outcome.Customer.Excluded);
        Assert.Equal("collections", outcome.Customer.Workflow);
        // "later" would match in round 2 (it sees the workflow set in round 1), but no round 2 runs.
        Assert.Equal(Customers.PaymentMethods.None, outcome.Customer.PaymentMethods);
        Assert.Empty(outcome.Notifications);
        Assert.Equal(
            [(AuditKind.Update, (string?)null), (AuditKind.RuleFired, "wf"), (AuditKind.Excluded, "out"), (AuditKind.RuleSkipped, "notify")],
            outcome.Audit.Select(a => (a.Kind, a.RuleId)));
    }

    [Fact]
    public void Threshold_rules_only_fire_in_the_first_round()
    {
        // Round 2 compares the round-2 state with the round-1 state: the amount did not move between them.
        var outcome = new CustomerHistory(Set(
            Rule("wf", CreatedOrUpdated, Workflow("collections")),
            Rule("threshold", Outstanding("exceeds", 100), PaymentMethods("card"), When("workflow", "contains", "collections")))).Outstanding(500m);

        Assert.Equal(["wf"], outcome.Firings.Select(f => f.RuleId));
    }

    [Fact]
    public void Audit_entries_name_the_rule_its_version_the_trigger_and_the_values_before_and_after()
    {
        var outcome = new CustomerHistory(Set(Rule("big", Outstanding("exceeds", 5000), Workflow("collections")))).Outstanding(7000m);

        var fired = Assert.Single(outcome.Audit, a => a.Kind == AuditKind.RuleFired);
        Assert.Equal(new AuditEntry(AuditKind.RuleFired, [new FieldChange("workflow", null, "collections")], "big", 1, "outstandingAmountThreshold"), fired);
    }

    [Fact]
    public void A_rule_whose_workflow_was_removed_from_the_directory_is_skipped_and_audited()
    {
        var rules = Set(Rule("wf", Created, Workflow("vip")));
        var outcome = CustomerProcessor.Apply(null, "c1", CustomerUpdate.None, rules, new Tenants.TenantDirectory([], []));

        Assert.Null(outcome.Customer.Workflow);
        Assert.Contains("no longer exists", Assert.Single(outcome.Audit, a => a.Kind == AuditKind.RuleSkipped).Note, StringComparison.Ordinal);
    }
}
