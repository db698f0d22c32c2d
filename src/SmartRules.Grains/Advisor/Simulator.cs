using Npgsql;
using SmartRules.Contracts.Backfills;
using SmartRules.Domain.Audit;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Rules.Triggers;
using SmartRules.Grains.Customers;
using SmartRules.Grains.Tenants;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Advisor;

/// <summary>
/// Simulate and dry runs: the queryable customer table narrows the candidates with the same SQL a real backfill uses
/// (<see cref="CustomerFilterSql"/>), and the domain runs on their rows exactly as the customer grains would
/// (<see cref="CustomerProcessor"/>), without activating a grain or writing anything.
/// </summary>
public sealed class Simulator(SimulationQueries queries)
{
    public const int SampleSize = 10;

    /// <summary>Apply-to-existing of one rule (saved or draft), and the counts that say what it would do without it.</summary>
    public async Task<Simulation> RuleAsync(string tenantId, CompiledRule rule, TenantRuntime tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(tenant);
        var threshold = rule.Trigger.Type is TriggerType.OutstandingAmountThreshold or TriggerType.AveragePaymentDelayThreshold or TriggerType.RatingThreshold;
        // The counts (one scan) and the candidates (run through the domain) are read at the same time, on two connections.
        var counting = queries.CountAsync(
            tenantId,
            [p => CustomerFilterSql.All(rule.Conditions, p, "m"), p => CustomerFilterSql.RuleCandidates(rule, p, "r")],
            cancellationToken);
        var backfill = new[] { rule };
        var running = RunAsync(
            tenantId, p => CustomerFilterSql.RuleCandidates(rule, p, "r"),
            customer => CustomerProcessor.ApplyExisting(customer, backfill, tenant.Rules, tenant.Directory), cancellationToken);
        var (total, excluded, selected) = await counting;
        var (wouldChange, sample) = await running;
        return new Simulation(total, excluded, selected[0], threshold ? selected[1] : null, wouldChange, sample);
    }

    /// <summary>The dry run of "trigger all active rules for existing customers".</summary>
    public async Task<Simulation> AllActiveRulesAsync(string tenantId, TenantRuntime tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var rules = tenant.Rules.Rules;
        string Candidates(NpgsqlParameterCollection p) => rules.Count == 0
            ? "false"
            : "(" + string.Join(" or ", rules.Select((rule, i) => CustomerFilterSql.RuleCandidates(rule, p, $"r{i}"))) + ")";
        var counting = queries.CountAsync(tenantId, [Candidates], cancellationToken);
        var running = RunAsync(
            tenantId, Candidates, customer => CustomerProcessor.ApplyExisting(customer, rules, tenant.Rules, tenant.Directory), cancellationToken);
        var (total, excluded, selected) = await counting;
        var (wouldChange, sample) = await running;
        return new Simulation(total, excluded, selected[0], null, wouldChange, sample);
    }

    /// <summary>The dry run of a bulk action: the customers its filter selects, and those it would change.</summary>
    public async Task<Simulation> BulkActionAsync(string tenantId, BackfillRequest request, IReadOnlyList<Condition> filter, TenantRuntime tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tenant);
        var counting = queries.CountAsync(tenantId, [p => CustomerFilterSql.All(filter, p, "b")], cancellationToken);
        var running = RunAsync(
            tenantId, p => CustomerFilterSql.All(filter, p, "b"),
            customer => CustomerProcessor.Apply(customer, customer.Id, CustomerGrain.BulkUpdate(request, customer, tenant.Directory), tenant.Rules, tenant.Directory, tenant.RatingSource),
            cancellationToken);
        var (total, excluded, selected) = await counting;
        var (wouldChange, sample) = await running;
        return new Simulation(total, excluded, selected[0], null, wouldChange, sample);
    }

    /// <summary>Runs <paramref name="apply"/> on every candidate; the sample keeps the first <see cref="SampleSize"/> that change.</summary>
    private async Task<(long WouldChange, IReadOnlyList<SimulatedCustomer> Sample)> RunAsync(
        string tenantId, Func<NpgsqlParameterCollection, string> candidates, Func<CustomerSnapshot, ChangeOutcome> apply, CancellationToken cancellationToken)
    {
        long wouldChange = 0;
        var sample = new List<SimulatedCustomer>(SampleSize);
        await queries.ForEachAsync(tenantId, candidates, customer =>
        {
            var outcome = apply(customer);
            // Acting means changing the customer (cascade included) or sending something; a rule that matched but was
            // skipped or lost every conflict does neither.
            if (!outcome.Changed || (outcome.Customer.Equals(customer) && outcome.Notifications.Count == 0)) return;
            wouldChange++;
            if (sample.Count < SampleSize) sample.Add(new SimulatedCustomer(customer.Id, SnapshotDiff.Between(customer, outcome.Customer), outcome.Notifications.Count));
        }, cancellationToken);
        // The candidates arrive in scan order; the sample is shown by id.
        sample.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return (wouldChange, sample);
    }
}
