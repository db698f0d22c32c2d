using FsCheck.Xunit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Definitions;
using static SmartRules.Domain.Tests.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>
/// Properties over generated inputs. Rule sets and update streams are generated as arrays of integer codes, each
/// code naming one rule or update of a small vocabulary made to cascade (rules that set and react to workflows),
/// so that FsCheck can shrink a failure to the fewest rules and updates.
/// </summary>
public sealed class PropertyTests
{
    [Property(MaxTest = 300)]
    public bool An_amount_threshold_fires_exactly_as_often_as_the_sequence_crosses_it(int[] halves, short threshold, bool exceeds)
    {
        var direction = exceeds ? "exceeds" : "fallsBelow";
        var x = threshold / 2m;
        var history = new CustomerHistory(Set(Rule("t", Outstanding(direction, x), Notify("ann@acme.test"))));
        var previous = 0m;
        var crossings = 0;
        foreach (var half in halves)
        {
            var value = half / 2m;
            if (exceeds ? previous <= x && value > x : previous >= x && value < x) crossings++;
            previous = value;
            history.Outstanding(value);
        }

        return history.Outcomes.Sum(o => o.Notifications.Count) == crossings;
    }

    [Property(MaxTest = 300)]
    public bool A_rating_threshold_fires_exactly_as_often_as_the_sequence_crosses_it(byte[] codes, bool exceeds, byte thresholdCode)
    {
        // Valid thresholds only: exceeds B/C/D, falls below A/B/C.
        var threshold = exceeds ? (Rating)(1 + thresholdCode % 3) : (Rating)(2 + thresholdCode % 3);
        var history = new CustomerHistory(Set(Rule("t", RatingThreshold(exceeds ? "exceeds" : "fallsBelow", Ratings.Name(threshold)), Notify("ann@acme.test"))));
        Rating? previous = null;
        var crossings = 0;
        foreach (var code in codes)
        {
            Rating? rating = code % 5 == 0 ? null : (Rating)(code % 5);
            var (before, now) = (Ratings.Rank(previous), Ratings.Rank(rating));
            if (rating is not null && (exceeds ? before <= (int)threshold && now > (int)threshold : before >= (int)threshold && now < (int)threshold)) crossings++;
            previous = rating;
            history.Apply(new CustomerUpdate { Rating = rating });
        }

        return history.Outcomes.Sum(o => o.Notifications.Count) == crossings;
    }

    [Property(MaxTest = 200)]
    public bool Evaluation_is_deterministic(int[] ruleCodes, int[] updateCodes)
    {
        var rules = RuleSetFrom(ruleCodes);
        var first = Replay(rules, updateCodes);
        var second = Replay(rules, updateCodes);
        return first.Count == second.Count && first.Zip(second).All(pair =>
            pair.First.Status == pair.Second.Status &&
            pair.First.Customer == pair.Second.Customer &&
            pair.First.Audit.SequenceEqual(pair.Second.Audit) &&
            pair.First.Firings.SequenceEqual(pair.Second.Firings) &&
            pair.First.Notifications.Select(n => (n.RuleId, n.Recipient, n.Customer)).SequenceEqual(pair.Second.Notifications.Select(n => (n.RuleId, n.Recipient, n.Customer))));
    }

    [Property(MaxTest = 200)]
    public bool Every_cascade_terminates_with_each_rule_matching_at_most_once_per_change(int[] ruleCodes, int[] updateCodes)
    {
        var rules = RuleSetFrom(ruleCodes);
        return Replay(rules, updateCodes).All(outcome =>
            outcome.Rounds <= Math.Max(1, rules.Rules.Count) &&
            outcome.Audit.Where(a => a.RuleId is not null).GroupBy(a => a.RuleId).All(g => g.Count() == 1));
    }

    [Property(MaxTest = 200)]
    public bool Replaying_the_final_state_changes_nothing(int[] ruleCodes, int[] updateCodes)
    {
        // Whatever the rules did, sending the customer's own final values again is not a change.
        var rules = RuleSetFrom(ruleCodes);
        var outcomes = Replay(rules, updateCodes);
        var last = outcomes.LastOrDefault(o => o.Changed)?.Customer;
        if (last is null || last.Excluded) return true;
        var again = CustomerProcessor.Apply(last, last.Id, new CustomerUpdate { OutstandingAmount = last.OutstandingAmount, Workflow = last.Workflow }, rules, Tenant);
        return again.Status == ChangeStatus.Unchanged && again.Audit.Count == 0;
    }

    private static List<ChangeOutcome> Replay(CompiledRuleSet rules, int[] updateCodes)
    {
        var history = new CustomerHistory(rules);
        foreach (var code in updateCodes) history.Apply(UpdateFrom((uint)code));
        return history.Outcomes;
    }

    private static CompiledRuleSet RuleSetFrom(int[] codes) =>
        new(1, codes.Take(30).Select((code, i) => RuleFrom(i, (uint)code)));

    private static CompiledRule RuleFrom(int index, uint code)
    {
        string[] workflows = ["collections", "legal", "vip"];
        var trigger = (code % 5) switch
        {
            0 => Created,
            1 => CreatedOrUpdated,
            2 => Outstanding(code / 5 % 2 == 0 ? "exceeds" : "fallsBelow", 1000 * (code / 10 % 4)),
            3 => RatingThreshold(code / 5 % 2 == 0 ? "exceeds" : "fallsBelow", code / 5 % 2 == 0 ? "C" : "B"),
            _ => Delay(code / 5 % 2 == 0 ? "exceeds" : "fallsBelow", 30),
        };
        ConditionDefinition[] conditions = (code / 40 % 6) switch
        {
            0 => [],
            1 => [When("workflow", "contains", "collections")],
            2 => [When("workflow", "doesNotContain", "legal")],
            3 => [When("customFields.Segment", "contains", "B2B")],
            4 => [When("outstandingAmount", "min", 1000m)],
            _ => [When("rating", "atMost", "C")],
        };
        var action = (code / 240 % 8) switch
        {
            0 or 1 or 2 => Workflow(workflows[code / 240 % 8]),
            3 => Users("ann@acme.test"),
            4 => UsersFromFields("CSM email"),
            5 => PaymentMethods("card"),
            6 => Notify("bob@acme.test"),
            _ => code / 1920 % 4 == 0 ? Exclude : Workflow("vip"),
        };
        return Compile($"r{index}", new RuleDefinition($"rule {index}", trigger, conditions, action));
    }

    private static CustomerUpdate UpdateFrom(uint code) => new()
    {
        OutstandingAmount = code % 7 * 700m,
        Rating = (code / 7 % 5) switch { 0 => null, var r => (Rating)r },
        AveragePaymentDelayDays = code / 35 % 3 == 0 ? null : code / 35 % 3 * 25m,
        CustomFields = new Dictionary<string, string?>
        {
            ["Segment"] = (code / 105 % 3) switch { 0 => "B2B", 1 => "B2C", _ => null },
            ["CSM email"] = code / 315 % 2 == 0 ? "ann@acme.test" : "nobody@acme.test",
        },
        Workflow = (code / 630 % 4) switch { 0 => default, 1 => "collections", 2 => "legal", _ => new Optional<string?>(null) },
    };
}
