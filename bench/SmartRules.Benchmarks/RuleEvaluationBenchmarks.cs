using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Definitions;
using SmartRules.Domain.Tenants;

namespace SmartRules.Benchmarks;

/// <summary>
/// Rule evaluation per customer update with 1, 20 and 100 active rules, when no rule fires and when one does
/// (a threshold crossing that assigns a workflow, which then runs a second round). The baseline is merging the
/// update into the customer snapshot, the work every update does with or without rules; the ratio column says how
/// many merges the rules cost. Goal (issue #3): at most 20 µs per update with 100 rules, 0 B allocated when nothing fires.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class RuleEvaluationBenchmarks
{
    private static readonly TenantDirectory Directory = new(["ann@acme.test", "bob@acme.test"], ["collections", "legal"]);

    private CompiledRuleSet _rules = CompiledRuleSet.Empty;
    private CustomerSnapshot _before = null!;
    private CustomerSnapshot _after = null!;
    private CustomerUpdate _update = null!;

    [Params(1, 20, 100)]
    public int Rules { get; set; }

    [Params(false, true)]
    public bool Fires { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rules = new CompiledRuleSet(1, Enumerable.Range(0, Rules).Select(Rule));
        _before = new CustomerUpdate
        {
            Name = "Acme",
            OutstandingAmount = 1000m,
            Rating = Rating.B,
            AveragePaymentDelayDays = 12m,
            CustomFields = new Dictionary<string, string?> { ["Segment"] = "B2B", ["Plan"] = "Basic", ["CSM email"] = "ann@acme.test", ["Region"] = "EU", ["Tier"] = "2" },
        }.ApplyTo(CustomerSnapshot.BeforeCreation("c1"));
        _update = new CustomerUpdate { OutstandingAmount = Fires ? 6000m : 1100m };
        _after = _update.ApplyTo(_before);
    }

    [Benchmark(Baseline = true, Description = "merge update")]
    public CustomerSnapshot MergeUpdate() => _update.ApplyTo(_before);

    [Benchmark(Description = "evaluate rules")]
    public int EvaluateRules() => _rules.Evaluate(_before, _after, created: false, Directory).Firings.Count;

    private static CompiledRule Rule(int i)
    {
        // Rule 0 is the one that fires on a crossing of 5,000; the others are a realistic mix that stays quiet.
        RuleDefinition definition = (i % 4) switch
        {
            0 when i == 0 => new("big", new("outstandingAmountThreshold", "exceeds", new RuleValue.Number(5000)), [], new("assignWorkflow") { WorkflowId = "collections" }),
            0 => new($"t{i}", new("outstandingAmountThreshold", "exceeds", new RuleValue.Number(10_000 + i)), [new("customFields.Segment", "contains", new RuleValue.Text("B2B"))], new("assignWorkflow") { WorkflowId = "legal" }),
            1 => new($"u{i}", new("customerCreatedOrUpdated"), [new("customFields.Segment", "contains", new RuleValue.Text("B2C")), new("outstandingAmount", "min", new RuleValue.Number(100))], new("assignUsers") { FromCustomFields = ["CSM email"] }),
            2 => new($"r{i}", new("ratingThreshold", "fallsBelow", new RuleValue.Text("C")), [new("customFields.Plan", "isAnyOf", new RuleValue.TextList(["Gold", "Silver"]))], new("assignPaymentMethods") { Methods = ["card"] }),
            _ => new($"d{i}", new("averagePaymentDelayThreshold", "exceeds", new RuleValue.Number(90)), [new("rating", "atMost", new RuleValue.Text("C"))], new("exclude")),
        };
        var compilation = RuleCompiler.Compile($"rule-{i}", 1, definition, Directory);
        return compilation.Rule ?? throw new InvalidOperationException(string.Join("; ", compilation.Problems));
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(12).WithId("evaluation"));
            WithOptions(ConfigOptions.DisableOptimizationsValidator);
        }
    }
}
