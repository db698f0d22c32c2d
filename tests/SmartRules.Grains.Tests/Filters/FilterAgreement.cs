using System.Text.Json;
using SmartRules.Contracts;
using SmartRules.Contracts.Backfills;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Tenants;
using SmartRules.Grains.Backfills;
using SmartRules.Grains.Customers;
using SmartRules.Grains.Rules;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Tests.Filters;

/// <summary>
/// Stores a scenario's customers in PostgreSQL the way customer grains do, runs the queries production runs — the
/// list (paged), the count and its sample, and the candidate selection of a rule backfill, an all-active-rules backfill
/// and a bulk action — and compares what the SQL selects with what the domain decides on the same customers:
/// <see cref="Condition.Matches"/> for lists and bulk actions, <see cref="CompiledRule.MatchesExisting"/> for rule
/// backfills (a threshold rule's customers already beyond its threshold).
/// </summary>
internal sealed class FilterAgreement(CustomerTableFixture table)
{
    public const int SampleSize = 5;

    public static readonly TenantDirectory Directory = new(FilterGenerators.Users, FilterGenerators.Workflows);

    /// <summary>What each query selected, and every way the SQL and the domain disagreed on this scenario.</summary>
    public async Task<FilterComparison> CompareAsync(FilterScenario scenario, FilterCoverage? coverage = null)
    {
        var tenant = table.NewTenant();
        var stored = await StoreAsync(tenant, scenario);
        var byId = stored.ToDictionary(s => s.Customer.Id, StringComparer.Ordinal);
        var problems = new List<string>();
        var selections = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        string Show(string id) => byId.TryGetValue(id, out var s) ? Describe(s.Customer) : $"{id} (not a customer of this scenario)";

        void Compare(string what, IEnumerable<string> domain, IReadOnlyList<string> sql)
        {
            selections[what] = sql;
            var expected = domain.ToHashSet(StringComparer.Ordinal);
            var selected = sql.ToHashSet(StringComparer.Ordinal);
            if (selected.Count != sql.Count) problems.Add($"{what}: the SQL returned an id twice: {string.Join(", ", sql.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key))}");
            foreach (var id in selected.Except(expected)) problems.Add($"{what}: the SQL selects, the domain rejects {Show(id)}");
            foreach (var id in expected.Except(selected)) problems.Add($"{what}: the domain accepts, the SQL misses {Show(id)}");
        }

        var filter = Compile(scenario.Filter);
        var listed = await ListAsync(tenant, filter, scenario.PageSize);
        Compare("list", stored.Where(s => Holds(filter, s.Customer)).Select(s => s.Customer.Id), [.. listed.Select(v => v.Id)]);
        foreach (var view in listed.Where(v => byId.ContainsKey(v.Id)))
        {
            var (customer, version) = byId[view.Id];
            var written = JsonSerializer.Serialize(customer.ToView(version));
            var read = JsonSerializer.Serialize(view);
            if (written != read) problems.Add($"list: {view.Id} reads back as {read}, written as {written}");
        }

        var (count, sample) = await table.Queries.CountAsync(tenant, filter, SampleSize, CancellationToken.None);
        if (count != listed.Count) problems.Add($"count: {count}, the list has {listed.Count}");
        if (!sample.SequenceEqual(listed.Take(SampleSize).Select(v => v.Id))) problems.Add($"count: the sample [{string.Join(", ", sample)}] is not the head of the list");

        var rules = scenario.Rules.Select((definition, i) => new RuleRecord($"r{i}", 1, Active: true, definition)).ToArray();
        var live = stored.Select(s => s.Customer).ToArray();
        coverage?.Record("list", live, c => Holds(filter, c));
        coverage?.Record(filter, live);
        foreach (var (what, request, pinned) in new (string, BackfillRequest, RuleRecord[])[]
        {
            ("rule backfill", new BackfillRequest(BackfillKind.Rule, RuleId: rules[0].Id), rules[..1]),
            ("all-active-rules backfill", new BackfillRequest(BackfillKind.AllActiveRules), rules),
            ("bulk action", new BackfillRequest(BackfillKind.BulkAction, Conditions: scenario.Filter, WorkflowId: "collections"), []),
        })
        {
            var (plan, planProblems) = BackfillPlan.Compile(request, pinned, Directory);
            if (plan is null) throw new InvalidOperationException($"{what}: the scenario does not compile: {string.Join("; ", planProblems)}");

            // What the customer grain decides when the coordinator hands it this backfill (CustomerGrain.ApplyBackfillAsync).
            Func<CustomerSnapshot, bool> applies = plan.Kind == BackfillKind.BulkAction
                ? c => !c.Excluded && Holds(plan.Filter, c)
                : c => plan.Rules.Any(r => r.MatchesExisting(c));
            var candidates = await CandidatesAsync(tenant, plan, scenario.PageSize);
            Compare(what, live.Where(applies).Select(c => c.Id), candidates);
            var total = await table.Backfills.CountAsync(tenant, plan.CandidatesSql, CancellationToken.None);
            if (total != candidates.Count) problems.Add($"{what}: the total is {total}, the pages hold {candidates.Count}");
            coverage?.Record(what, live, applies);
            if (plan.Kind == BackfillKind.AllActiveRules) coverage?.Record(plan.Rules, live);
        }

        return new FilterComparison(problems, selections);
    }

    /// <summary>The domain's conditions for written ones; a scenario the compiler refuses is a mistake of the test.</summary>
    public static IReadOnlyList<Condition> Compile(IReadOnlyList<ConditionDto> conditions)
    {
        var (compiled, problems) = conditions.Compile(Directory);
        return compiled ?? throw new InvalidOperationException("The filter does not compile: " + string.Join("; ", problems));
    }

    private static bool Holds(IReadOnlyList<Condition> conditions, CustomerSnapshot customer) => conditions.All(c => c.Matches(customer));

    private static string Describe(CustomerSnapshot c) =>
        $"{ScenarioCustomer.Show(c.Id)} {{name={ScenarioCustomer.Show(c.Name)}; outstanding={c.OutstandingAmount}; due={c.DueAmount}; " +
        $"overdue={c.OverdueAmount}; rating={c.Rating?.ToString() ?? "unrated"}; delay={ScenarioCustomer.Show(c.AveragePaymentDelayDays)}; " +
        $"workflow={ScenarioCustomer.Show(c.Workflow)}; customFields={{{string.Join(", ", c.CustomFields.Select(f => $"{ScenarioCustomer.Show(f.Key)}: {ScenarioCustomer.Show(f.Value)}"))}}}; " +
        $"excluded={c.Excluded}}}";

    /// <summary>
    /// Runs each customer's updates through the grain's path (mapping, the API's checks, <see cref="CustomerProcessor"/>)
    /// and writes every version through the group-commit batcher, as the grain storage does. Returns the final states.
    /// </summary>
    private async Task<List<(CustomerSnapshot Customer, long Version)>> StoreAsync(string tenant, FilterScenario scenario)
    {
        var histories = scenario.Customers.Select(c => History(c, scenario.RatingSource)).ToArray();
        var at = DateTimeOffset.UtcNow;
        for (var version = 1; histories.Any(h => h.Count >= version); version++)
        {
            var writes = histories.Where(h => h.Count >= version).Select(h => new CustomerWrite(
                tenant, h[version - 1].Id, version - 1, h[version - 1], LastSequence: null, AppliedBackfills: [], Audit: null, Outbox: [], at,
                Stored: version > 1 ? StoredColumns.Of(h[version - 2]) : null));
            var written = await Task.WhenAll(writes.Select(table.Writer.WriteAsync));
            if (!written.All(w => w)) throw new InvalidOperationException($"A version {version} write of tenant {tenant} was refused.");
        }

        return [.. histories.Select(h => (h[^1], (long)h.Count))];
    }

    private static List<CustomerSnapshot> History(ScenarioCustomer customer, RatingSource ratingSource)
    {
        var versions = new List<CustomerSnapshot> { Apply(null, customer.Id, customer.Created, ratingSource) };
        if (customer.Updated is not null && Apply(versions[^1], customer.Id, customer.Updated, ratingSource) is var updated && !updated.Equals(versions[^1]))
        {
            versions.Add(updated);
        }

        if (customer.Excluded) versions.Add(versions[^1] with { Excluded = true });
        return versions;
    }

    private static CustomerSnapshot Apply(CustomerSnapshot? current, string id, CustomerUpdateCommand command, RatingSource ratingSource)
    {
        var problems = new List<FieldProblem>();
        var update = command.ToDomain(problems);
        problems.AddRange(CustomerUpdateChecks.Check(update, Directory, ratingSource, out update).Select(p => p.ToContract()));
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"The API refuses the update of {id}: {string.Join("; ", problems.Select(p => $"{p.Path} {p.Message}"))}");
        }

        return CustomerProcessor.Apply(current, id, update, CompiledRuleSet.Empty, Directory, ratingSource).Customer;
    }

    private async Task<List<CustomerView>> ListAsync(string tenant, IReadOnlyList<Condition> filter, int pageSize)
    {
        var all = new List<CustomerView>();
        string? after = null;
        while (true)
        {
            var (items, last, more) = await table.Queries.ListAsync(tenant, filter, after, pageSize, CancellationToken.None);
            all.AddRange(items.Select(i => i.Customer.ToView(i.Version)));
            if (!more) return all;
            after = last;
        }
    }

    private async Task<List<string>> CandidatesAsync(string tenant, BackfillPlan plan, int pageSize)
    {
        var all = new List<string>();
        string? after = null;
        while (await table.Backfills.PageAsync(tenant, plan.CandidatesSql, after, pageSize, CancellationToken.None) is { Count: > 0 } page)
        {
            all.AddRange(page);
            after = page[^1];
        }

        return all;
    }
}
