using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using static SmartRules.Domain.Tests.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>Merging an update into a customer, and deciding whether it changed anything.</summary>
public sealed class ChangeDetectionTests
{
    private static readonly CustomerSnapshot Acme = new CustomerUpdate
    {
        Name = "Acme",
        OutstandingAmount = 7000m,
        Rating = Rating.B,
        AveragePaymentDelayDays = 12.5m,
        CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2B", ["CSM email"] = "ann@acme.test" },
        AssignedUsers = ["ann@acme.test"],
        Workflow = "collections",
        PaymentMethods = Customers.PaymentMethods.Card,
    }.ApplyTo(CustomerSnapshot.BeforeCreation("c1"));

    [Fact]
    public void Absent_properties_keep_their_value() => Assert.Same(Acme, CustomerUpdate.None.ApplyTo(Acme));

    [Fact]
    public void The_same_number_written_differently_is_not_a_change() =>
        Assert.Same(Acme, new CustomerUpdate { OutstandingAmount = 7000.00m, AveragePaymentDelayDays = 12.50m }.ApplyTo(Acme));

    [Fact]
    public void Setting_every_property_to_its_current_value_is_not_a_change()
    {
        var same = new CustomerUpdate
        {
            Name = "Acme",
            Rating = Rating.B,
            CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2B", ["Missing"] = null },
            AssignedUsers = ["ANN@acme.test"],
            Workflow = "collections",
            PaymentMethods = Customers.PaymentMethods.Card,
        };

        Assert.Same(Acme, same.ApplyTo(Acme));
        var outcome = CustomerProcessor.Apply(Acme, "c1", same, Set(Rule("any", CreatedOrUpdated, Notify("ann@acme.test"))), Tenant);
        Assert.Equal(ChangeStatus.Unchanged, outcome.Status);
        Assert.Empty(outcome.Audit);
        Assert.Empty(outcome.Firings);
    }

    [Fact]
    public void Null_clears_the_rating_the_delay_the_workflow_and_a_custom_field()
    {
        var cleared = new CustomerUpdate
        {
            Rating = new Optional<Rating?>(null),
            AveragePaymentDelayDays = new Optional<decimal?>(null),
            Workflow = new Optional<string?>(null),
            CustomFields = new Dictionary<string, string?> { ["Segment"] = null },
        }.ApplyTo(Acme);

        Assert.Null(cleared.Rating);
        Assert.Null(cleared.AveragePaymentDelayDays);
        Assert.Null(cleared.Workflow);
        Assert.Null(cleared.CustomFields["Segment"]);
        Assert.Equal("ann@acme.test", cleared.CustomFields["CSM email"]);
    }

    [Fact]
    public void An_empty_custom_field_value_is_the_same_as_a_missing_field()
    {
        var emptied = new CustomerUpdate { CustomFields = new Dictionary<string, string?> { ["Segment"] = "" } }.ApplyTo(Acme);

        Assert.Single(emptied.CustomFields);
        Assert.Same(emptied, new CustomerUpdate { CustomFields = new Dictionary<string, string?> { ["Segment"] = "", ["Other"] = "" } }.ApplyTo(emptied));
    }

    [Fact]
    public void Custom_field_names_are_exact()
    {
        var both = new CustomerUpdate { CustomFields = new Dictionary<string, string?> { ["segment"] = "b2c" } }.ApplyTo(Acme);

        Assert.Equal("B2B", both.CustomFields["Segment"]);
        Assert.Equal("b2c", both.CustomFields["segment"]);
    }

    [Fact]
    public void Users_and_payment_methods_replace_the_whole_set()
    {
        var replaced = new CustomerUpdate { AssignedUsers = ["bob@acme.test"], PaymentMethods = Customers.PaymentMethods.DirectDebit }.ApplyTo(Acme);

        Assert.Equal(["bob@acme.test"], replaced.AssignedUsers);
        Assert.Equal(Customers.PaymentMethods.DirectDebit, replaced.PaymentMethods);
    }

    [Fact]
    public void The_update_audit_entry_holds_only_the_fields_that_changed()
    {
        var outcome = CustomerProcessor.Apply(Acme, "c1", new CustomerUpdate { OutstandingAmount = 8000m, Name = "Acme", CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2C" } }, CompiledRuleSet.Empty, Tenant);

        var entry = Assert.Single(outcome.Audit);
        Assert.Equal(AuditKind.Update, entry.Kind);
        Assert.Equal([new FieldChange("outstandingAmount", 7000m, 8000m), new FieldChange("customFields.Segment", "B2B", "B2C")], entry.Changes);
    }

    [Fact]
    public void Checks_refuse_unknown_users_and_workflows_and_a_sent_rating_when_it_is_derived()
    {
        var update = new CustomerUpdate { Rating = Rating.A, AssignedUsers = ["ann@acme.test", "zed@x.test"], Workflow = "nope" };

        var problems = CustomerUpdateChecks.Check(update, Tenant, RatingSource.DerivedFromDelay, out _);

        Assert.Equal(["rating", "workflow", "assignedUsers[1]"], problems.Select(p => p.Path));
    }

    [Fact]
    public void Checks_spell_users_as_the_directory_does()
    {
        var problems = CustomerUpdateChecks.Check(new CustomerUpdate { AssignedUsers = ["carla@acme.TEST"] }, Tenant, RatingSource.Provided, out var normalized);

        Assert.Empty(problems);
        Assert.Equal(["Carla@Acme.test"], normalized.AssignedUsers!);
    }
}
