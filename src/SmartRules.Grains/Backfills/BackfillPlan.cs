using System.Collections.Concurrent;
using Npgsql;
using SmartRules.Contracts;
using SmartRules.Contracts.Backfills;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Tenants;
using SmartRules.Grains.Rules;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Backfills;

/// <summary>A backfill compiled once: the pinned rules, or the bulk action's filter.</summary>
public sealed record BackfillPlan(BackfillKind Kind, IReadOnlyList<CompiledRule> Rules, IReadOnlyList<Condition> Filter)
{
    /// <summary>
    /// The SQL that selects the candidates: non-excluded customers (the query adds that) that some pinned rule can
    /// match as an existing customer (<see cref="CompiledRule.MatchesExisting"/>), or that the bulk filter selects.
    /// </summary>
    public string CandidatesSql(NpgsqlParameterCollection parameters)
    {
        if (Kind == BackfillKind.BulkAction) return CustomerFilterSql.All(Filter, parameters, "b");
        return Rules.Count == 0
            ? "false"
            : "(" + string.Join(" or ", Rules.Select((rule, i) => CustomerFilterSql.RuleCandidates(rule, parameters, $"r{i}"))) + ")";
    }

    /// <summary>Compiles a backfill against the tenant's directory; every problem with its field path.</summary>
    public static (BackfillPlan? Plan, IReadOnlyList<FieldProblem> Problems) Compile(BackfillRequest request, IReadOnlyList<Contracts.Rules.RuleRecord> pinned, ITenantDirectory directory)
    {
        var problems = new List<FieldProblem>();
        var rules = new List<CompiledRule>();
        foreach (var record in pinned)
        {
            var compilation = RuleCompiler.Compile(record.Id, record.Version, record.Definition.ToDomain(), directory);
            if (compilation.Rule is { } rule) rules.Add(rule);
            else problems.AddRange(compilation.Problems.Select(p => new FieldProblem($"rules[{record.Id}].{p.Path}", p.Message)));
        }

        IReadOnlyList<Condition> filter = [];
        if (request.Kind == BackfillKind.BulkAction)
        {
            var (conditions, conditionProblems) = request.Conditions.Compile(directory);
            problems.AddRange(conditionProblems);
            filter = conditions ?? [];
        }

        return problems.Count == 0 ? (new BackfillPlan(request.Kind, rules, filter), []) : (null, problems);
    }
}

/// <summary>Compiled backfill plans per silo, so that customer grains do not compile the pinned rules per customer.</summary>
public sealed class BackfillPlanCache
{
    private const int MaxPlans = 256;
    private readonly ConcurrentDictionary<string, BackfillPlan> _plans = new(StringComparer.Ordinal);

    public BackfillPlan Get(string tenantId, BackfillWork work, ITenantDirectory directory)
    {
        var key = tenantId + "/" + work.BackfillId;
        if (_plans.TryGetValue(key, out var plan)) return plan;
        var (compiled, problems) = BackfillPlan.Compile(work.Request, work.PinnedRules, directory);
        if (compiled is null) throw new InvalidOperationException("The backfill no longer compiles: " + string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));
        if (_plans.Count >= MaxPlans) _plans.Clear(); // finished backfills' plans; a running one is rebuilt on its next call
        return _plans.GetOrAdd(key, compiled);
    }
}
