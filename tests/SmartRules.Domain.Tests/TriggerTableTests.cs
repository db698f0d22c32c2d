using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Definitions;
using static SmartRules.Domain.Tests.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>The crossing semantics of every trigger, as tables: exceeds X fires when previous &lt;= X and new &gt; X;
/// falls below X when previous &gt;= X and new &lt; X.</summary>
public sealed class TriggerTableTests
{
    private static readonly CustomerSnapshot Base = new() { Id = "c1", Name = "Acme" };

    [Theory]
    [InlineData("exceeds", 5000, 4000, 6000, true)]
    [InlineData("exceeds", 5000, 5000, 5000.01, true)]
    [InlineData("exceeds", 5000, 4999, 5000, false)]
    [InlineData("exceeds", 5000, 7000, 6000, false)]
    [InlineData("exceeds", 5000, 6000, 7000, false)]
    [InlineData("exceeds", 5000, 6000, 4000, false)]
    [InlineData("exceeds", -100, -200, -50, true)]
    [InlineData("exceeds", 0, -1, 0, false)]
    [InlineData("fallsBelow", 5000, 6000, 4000, true)]
    [InlineData("fallsBelow", 5000, 5000, 4999.99, true)]
    [InlineData("fallsBelow", 5000, 5001, 5000, false)]
    [InlineData("fallsBelow", 5000, 4000, 3000, false)]
    [InlineData("fallsBelow", 5000, 4000, 6000, false)]
    [InlineData("fallsBelow", 0, 10, -10, true)]
    public void Outstanding_amount_threshold(string direction, double threshold, double previous, double next, bool fires)
    {
        var rule = Rule("r", Outstanding(direction, (decimal)threshold), PaymentMethods("card"));

        Assert.Equal(fires, Fires(rule, Base with { OutstandingAmount = (decimal)previous }, Base with { OutstandingAmount = (decimal)next }));
    }

    [Theory]
    [InlineData("exceeds", 30.0, 10.0, 45.0, true)]
    [InlineData("exceeds", 30.0, 30.0, 30.5, true)]
    [InlineData("exceeds", 30.0, 45.0, 60.0, false)]
    [InlineData("exceeds", 30.0, null, 45.0, true)]
    [InlineData("exceeds", 30.0, 45.0, null, false)]
    [InlineData("exceeds", -5.0, null, 0.0, false)] // an unknown previous delay reads as 0: already beyond -5
    [InlineData("fallsBelow", 30.0, 45.0, 10.0, true)]
    [InlineData("fallsBelow", 30.0, 45.0, null, false)]
    [InlineData("fallsBelow", 0.0, null, -2.0, true)]
    [InlineData("fallsBelow", 30.0, null, 10.0, false)]
    [InlineData("fallsBelow", 30.0, 20.0, 10.0, false)]
    public void Average_payment_delay_threshold(string direction, double threshold, double? previous, double? next, bool fires)
    {
        var rule = Rule("r", Delay(direction, (decimal)threshold), PaymentMethods("card"));

        Assert.Equal(fires, Fires(rule, Base with { AveragePaymentDelayDays = (decimal?)previous }, Base with { AveragePaymentDelayDays = (decimal?)next }));
    }

    public static TheoryData<string, Rating, Rating?, Rating?> EveryRatingMove()
    {
        var data = new TheoryData<string, Rating, Rating?, Rating?>();
        Rating?[] all = [null, Rating.D, Rating.C, Rating.B, Rating.A];
        foreach (var from in all)
        {
            foreach (var to in all)
            {
                if (from == to) continue;
                foreach (var threshold in new[] { Rating.B, Rating.C, Rating.D }) data.Add("exceeds", threshold, from, to);
                foreach (var threshold in new[] { Rating.A, Rating.B, Rating.C }) data.Add("fallsBelow", threshold, from, to);
            }
        }

        return data;
    }

    /// <summary>Every move between two ratings (unrated included) against every threshold that can fire.</summary>
    [Theory]
    [MemberData(nameof(EveryRatingMove))]
    public void Rating_threshold_for_every_move(string direction, Rating threshold, Rating? from, Rating? to)
    {
        // The contract's own words: "exceeds R" is a move into a rating better than R from R or worse (unrated is
        // worse than D); "falls below R" is a move from R or better into a rating worse than R; unrated is never
        // something one falls to.
        bool Better(Rating? r) => r is { } x && x > threshold;
        bool Worse(Rating? r) => r is { } x && x < threshold;
        var expected = direction == "exceeds" ? Better(to) && !Better(from) : Worse(to) && from is { } f && f >= threshold;
        var rule = Rule("r", RatingThreshold(direction, Ratings.Name(threshold)), PaymentMethods("card"));

        Assert.Equal(expected, Fires(rule, Base with { Rating = from }, Base with { Rating = to }));
    }

    [Fact]
    public void Customer_created_fires_once_on_creation_and_never_on_later_updates()
    {
        var history = new CustomerHistory(Set(Rule("welcome", Created, Notify("ann@acme.test"))));

        Assert.Single(history.Outstanding(10m).Firings);
        Assert.Empty(history.Outstanding(20m).Firings);
    }

    [Fact]
    public void Customer_created_fires_even_for_a_customer_created_with_no_values()
    {
        var outcome = new CustomerHistory(Set(Rule("welcome", Created, Notify("ann@acme.test")))).Apply(CustomerUpdate.None);

        Assert.Equal(ChangeStatus.Created, outcome.Status);
        Assert.Single(outcome.Firings);
    }

    public static TheoryData<string, CustomerUpdate> EveryKindOfChange() => new()
    {
        { "name", new CustomerUpdate { Name = "Other" } },
        { "outstandingAmount", new CustomerUpdate { OutstandingAmount = 1m } },
        { "dueAmount", new CustomerUpdate { DueAmount = 1m } },
        { "overdueAmount", new CustomerUpdate { OverdueAmount = 1m } },
        { "rating", new CustomerUpdate { Rating = Rating.C } },
        { "averagePaymentDelayDays", new CustomerUpdate { AveragePaymentDelayDays = 3m } },
        { "customFields", new CustomerUpdate { CustomFields = new Dictionary<string, string?> { ["Plan"] = "Basic" } } },
        { "assignedUsers", new CustomerUpdate { AssignedUsers = ["bob@acme.test"] } },
        { "workflow", new CustomerUpdate { Workflow = "legal" } },
        { "paymentMethods", new CustomerUpdate { PaymentMethods = Customers.PaymentMethods.DirectDebit } },
    };

    [Theory]
    [MemberData(nameof(EveryKindOfChange))]
    public void Customer_created_or_updated_fires_on_a_change_of_any_property(string property, CustomerUpdate update)
    {
        var history = new CustomerHistory(Set(Rule("any", CreatedOrUpdated, Notify("ann@acme.test"))));
        Assert.Single(history.Apply(new CustomerUpdate { Name = "Acme" }).Firings);

        var outcome = history.Apply(update);

        Assert.True(outcome.Firings.Count == 1, property);
        Assert.Equal(property, Assert.Single(outcome.Audit[0].Changes).Field.Split('.')[0]);
    }

    private static bool Fires(CompiledRule rule, CustomerSnapshot before, CustomerSnapshot after) =>
        Set(rule).Evaluate(before, after, created: false, Tenant).Firings.Count == 1;
}
