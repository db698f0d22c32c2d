using System.Reflection;
using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using SmartRules.Domain.Customers;
using SmartRules.Grains.Customers;

namespace SmartRules.Grains.Tests;

/// <summary>
/// The customer grain's state holds the customer's values in place (<see cref="HeldCustomer"/>): what is set is what is
/// read back, a failed change puts back exactly what was there, and once settled the state keeps no reference to the
/// snapshot it was given — the object a change leaves behind for the next gen0 collection to copy.
/// </summary>
public sealed class CustomerStateTests
{
    private static readonly decimal[] Amounts = [0m, 7000m, 7000.00m, -1m, 0.0000001m, decimal.MaxValue, decimal.MinValue];

    private static readonly decimal?[] Delays = [null, 0m, -5.5m, 30.000m, 29.999999999999999999999999m];

    private static Gen<CustomerSnapshot> Snapshots =>
        from id in Gen.Elements("c1", "\u00e9", "a b", "\U0001F642")
        from name in Gen.Elements<string?>(null, "Acme", "ACME GmbH")
        from outstanding in Gen.Elements(Amounts)
        from due in Gen.Elements(Amounts)
        from overdue in Gen.Elements(Amounts)
        from rating in Gen.Elements<Rating?>(null, Rating.A, Rating.B, Rating.C, Rating.D)
        from delay in Gen.Elements(Delays)
        from fields in Gen.Elements(CustomFields.Empty, CustomFields.From([new("Segment", "B2B"), new("Plan", "gold")]))
        from users in Gen.Elements(UserSet.Empty, UserSet.From(["ann@acme.test"]), UserSet.From(["Bob@Acme.test", "ann@acme.test"]))
        from workflow in Gen.Elements<string?>(null, "collections", "legal")
        from methods in Gen.Elements(PaymentMethods.None, PaymentMethods.Card, PaymentMethods.Card | PaymentMethods.DirectDebit)
        from excluded in Gen.Elements(false, true)
        select new CustomerSnapshot
        {
            Id = id,
            Name = name,
            OutstandingAmount = outstanding,
            DueAmount = due,
            OverdueAmount = overdue,
            Rating = rating,
            AveragePaymentDelayDays = delay,
            CustomFields = fields,
            AssignedUsers = users,
            Workflow = workflow,
            PaymentMethods = methods,
            Excluded = excluded,
        };

    [Fact]
    public void Every_property_of_a_snapshot_is_held()
    {
        // A property added to the snapshot and not to HeldCustomer would be lost at the grain's next change: one field per
        // property, and a snapshot with every property set to a value other than its default comes back equal.
        var properties = typeof(CustomerSnapshot).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.Equal(properties.Length, typeof(HeldCustomer).GetFields(BindingFlags.NonPublic | BindingFlags.Instance).Length);

        var everything = new CustomerSnapshot
        {
            Id = "c1",
            Name = "Acme",
            OutstandingAmount = 1.5m,
            DueAmount = 2.5m,
            OverdueAmount = 3.5m,
            Rating = Rating.C,
            AveragePaymentDelayDays = 12.25m,
            CustomFields = CustomFields.From([new("Segment", "B2B")]),
            AssignedUsers = UserSet.From(["ann@acme.test"]),
            Workflow = "collections",
            PaymentMethods = PaymentMethods.BankTransfer,
            Excluded = true,
        };
        var defaults = CustomerSnapshot.BeforeCreation("c1");
        foreach (var property in properties.Where(p => p.Name != nameof(CustomerSnapshot.Id)))
        {
            Assert.False(Equals(property.GetValue(everything), property.GetValue(defaults)), $"the test sets {property.Name} to a value other than its default");
        }

        var state = new CustomerState { Customer = everything };
        state.Settle();
        Assert.Equal(everything, state.Customer);
    }

    [Fact]
    public void A_customer_set_is_read_back_equal_with_its_amounts_scale_and_its_sets_themselves()
    {
        var property = Prop.ForAll(Arb.From(Snapshots), snapshot =>
        {
            var state = new CustomerState { Customer = snapshot };
            state.Settle();
            var read = state.Customer!;
            Assert.NotSame(snapshot, read);
            Assert.Equal(snapshot, read);
            // Equal decimals may differ in scale (7000 and 7000.00); the customer's answers show the scale it was given.
            Assert.Equal(snapshot.OutstandingAmount.Scale, read.OutstandingAmount.Scale);
            Assert.Equal(snapshot.AveragePaymentDelayDays?.Scale, read.AveragePaymentDelayDays?.Scale);
            // The write leaves out the users column by reference (a new spelling must be written): the set is the same object.
            Assert.Same(snapshot.AssignedUsers, read.AssignedUsers);
            Assert.Same(snapshot.CustomFields, read.CustomFields);
            Assert.True(state.Exists);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    [Fact]
    public void A_change_that_is_put_back_leaves_the_customer_as_it_was()
    {
        var property = Prop.ForAll(Arb.From(Snapshots), Arb.From(Snapshots), (before, after) =>
        {
            var state = new CustomerState { Customer = before, LastSequence = 4 };
            state.Settle();
            var saved = state.Save();
            state.Customer = after;
            state.LastSequence = 5;
            state.Restore(saved);
            Assert.Equal(before, state.Customer);
            Assert.Equal(4, state.LastSequence);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), property);
    }

    [Fact]
    public void A_new_customer_whose_creation_is_put_back_is_new_again()
    {
        var state = new CustomerState();
        var saved = state.Save();
        state.Customer = CustomerSnapshot.BeforeCreation("c1") with { OutstandingAmount = 5 };
        Assert.True(state.Exists);

        state.Restore(saved);

        Assert.False(state.Exists);
        Assert.Null(state.Customer);
    }

    [Fact]
    public void A_settled_state_keeps_no_reference_to_the_snapshot_it_was_given()
    {
        var state = new CustomerState();
        var given = SetAndSettle(state);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(given.TryGetTarget(out _), "the state still references the snapshot it was given");
        Assert.Equal(7000.00m, state.Customer!.OutstandingAmount);
        GC.KeepAlive(state);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<CustomerSnapshot> SetAndSettle(CustomerState state)
    {
        var snapshot = CustomerSnapshot.BeforeCreation("c1") with { OutstandingAmount = 7000.00m, Rating = Rating.B };
        state.Customer = snapshot;
        Assert.Same(snapshot, state.Customer); // until settled, the change being written reads back the object itself
        state.Settle();
        return new WeakReference<CustomerSnapshot>(snapshot);
    }
}
