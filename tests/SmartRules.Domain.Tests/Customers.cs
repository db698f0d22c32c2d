using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;

namespace SmartRules.Domain.Tests;

/// <summary>Runs changes through <see cref="CustomerProcessor"/> the way a customer grain does.</summary>
internal sealed class CustomerHistory(CompiledRuleSet rules, RatingSource ratingSource = RatingSource.Provided)
{
    public CompiledRuleSet RulesForTest() => rules;

    public CustomerSnapshot? Current { get; private set; }

    public List<ChangeOutcome> Outcomes { get; } = [];

    public ChangeOutcome Apply(CustomerUpdate update, string id = "c1")
    {
        var outcome = CustomerProcessor.Apply(Current, id, update, rules, Rules.Tenant, ratingSource);
        if (outcome.Changed) Current = outcome.Customer;
        Outcomes.Add(outcome);
        return outcome;
    }

    public ChangeOutcome Outstanding(decimal amount) => Apply(new CustomerUpdate { OutstandingAmount = amount });
}
