using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;

// SmartRules.AppHost starts the whole system locally: PostgreSQL, the silos, the API and the monitoring, in the
// .NET Aspire conventions (see DESIGN.md §3). That orchestration is issue #7; until then it says how to start a silo
// by hand instead of pretending to start anything.
Console.WriteLine("SmartRules AppHost");
Console.WriteLine($"  rule domain: {RuleVocabulary.TriggerTypes.Count} triggers, {RuleVocabulary.ActionTypes.Count} actions, up to {CompiledRuleSet.MaxRules} rules per tenant");
Console.WriteLine("  orchestration of PostgreSQL, silos and dashboards is not part of this build yet (issue #7); nothing was started.");
Console.WriteLine("  start a silo by hand (the schema is created on an empty database):");
Console.WriteLine("    ConnectionStrings__SmartRules=\"Host=127.0.0.1;Username=smartrules;Password=smartrules;Database=smartrules\" \\");
Console.WriteLine("      dotnet run --project src/SmartRules.Server --urls http://127.0.0.1:5080");
Console.WriteLine("  run the tests with ./scripts/test.sh");
return 0;
