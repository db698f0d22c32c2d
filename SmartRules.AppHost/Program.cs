using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;

// SmartRules.AppHost starts the whole system locally: PostgreSQL, the silos, the API and the monitoring, in the
// .NET Aspire conventions (see DESIGN.md §3). Today the system is the rule domain alone: the silo host arrives
// with issue #4 and the AppHost's orchestration with issue #7. Until then it says so instead of pretending.
Console.WriteLine("SmartRules AppHost");
Console.WriteLine($"  rule domain: {RuleVocabulary.TriggerTypes.Count} triggers, {RuleVocabulary.ActionTypes.Count} actions, up to {CompiledRuleSet.MaxRules} rules per tenant");
Console.WriteLine("  silos, HTTP API, PostgreSQL and dashboards: not part of this build yet (issues #4, #5 and #7);");
Console.WriteLine("  nothing has been started. Run the tests with ./scripts/test.sh.");
return 0;
