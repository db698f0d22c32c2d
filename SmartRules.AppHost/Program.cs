using SmartRules.AppHost;
using SmartRules.AppHost.Postgres;

// SmartRules on one machine: PostgreSQL, the silos, the web console, the demo load, and the Aspire dashboard.
//   dotnet run --project SmartRules.AppHost [-- --Silos 3] [--ConnectionStrings:SmartRules "<npgsql>"] [--SmartRules:AdminKey <key>]
var builder = DistributedApplication.CreateBuilder(args);

// The database given in ConnectionStrings:SmartRules, or the machine's PostgreSQL run as a resource of its own.
IResourceBuilder<IResourceWithConnectionString> database = builder.Configuration.GetConnectionString("SmartRules") is { Length: > 0 }
    ? builder.AddConnectionString("smartrules").WithOrleansProviderType("AdoNet")
    : builder.AddLocalPostgres("postgres");

var adminKey = builder.AddParameter("admin-key", builder.Configuration["SmartRules:AdminKey"] ?? OperatorOutput.NewAdminKey(), secret: true);

var silos = builder.AddSmartRulesSilos("silo", database, adminKey, replicas: builder.Configuration.GetValue("Silos", 2));

// Started and stopped by the operator from the dashboard.
builder.AddProject<Projects.SmartRules_Demo>("demo")
    .WithEnvironment("SmartRules__Api", silos.GetEndpoint("http"))
    .WithEnvironment("SmartRules__AdminKey", adminKey)
    .WaitFor(silos)
    .WithExplicitStart();

// The web console for accounts-receivable teams, on the silos' API.
builder.AddSmartRulesConsole("console", silos);

builder.PrintWhereThingsAre(silos, adminKey);

builder.Build().Run();
