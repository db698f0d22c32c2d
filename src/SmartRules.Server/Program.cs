using Orleans.Configuration;
using Orleans.Dashboard;
using SmartRules.Server.Auth;
using SmartRules.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var connectionString = builder.Configuration.GetConnectionString("SmartRules")
    ?? throw new InvalidOperationException("Set ConnectionStrings:SmartRules (environment: ConnectionStrings__SmartRules) to an Npgsql connection string.");

// Runs before the silo: an empty database gets the whole schema, Orleans tables included.
builder.Services.AddSingleton<IHostedService>(sp => new SchemaMigrationService(connectionString, builder.Configuration, sp.GetRequiredService<ILoggerFactory>()));

// Aspire's keys (Orleans:Clustering/Reminders:ProviderType and ServiceKey) when present, else today's: see OrleansProviders.
OrleansProviders.AddAdoNetDefaults(builder.Configuration);
builder.UseOrleans(silo =>
{
    var orleans = builder.Configuration.GetSection("Orleans");
    silo.Configure<ClusterOptions>(options =>
    {
        options.ClusterId = orleans["ClusterId"] ?? "smartrules";
        options.ServiceId = orleans["ServiceId"] ?? "smartrules";
    });
    silo.UseConfiguredEndpoints(orleans);
    // Production keeps Orleans' defaults; tests and operators may tune failure detection here.
    silo.Configure<ClusterMembershipOptions>(orleans.GetSection("Membership"));
    silo.Configure<SiloMessagingOptions>(orleans.GetSection("Messaging"));
    // Not under "Orleans:Reminders": Orleans reads that section as its own provider configuration.
    silo.Configure<ReminderOptions>(builder.Configuration.GetSection("SmartRules:Reminders"));
    if (!OrleansProviders.IsConfigured(builder.Configuration, "Clustering")) silo.UseSmartRulesClustering(connectionString);
    silo.AddSmartRules(connectionString, builder.Configuration);
    silo.AddDashboard();
});

builder.AddSmartRulesApi();

var app = builder.Build();
app.MapSmartRulesApi();
// The dashboard's own endpoints are its business, not the API's: they stay out of the OpenAPI document.
app.MapOrleansDashboard("/dashboard").RequireAuthorization(AuthSchemes.Admin).ExcludeFromDescription();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
