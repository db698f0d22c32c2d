using SmartRules.Console;
using SmartRules.Console.Components;

// The web console: a Blazor Web App (interactive server rendering) on the SmartRules HTTP API.
//   dotnet run --project src/SmartRules.Console -- --SmartRules:ApiUrl http://localhost:5080
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConsoleServices();

var app = builder.Build();

if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseAntiforgery();
app.MapStaticAssets();
app.MapSignOut();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapDefaultEndpoints();

app.Run();
