using SmartRules.Demo;

// The demo load, a resource of the AppHost that the operator starts and stops from the Aspire dashboard.
//   SmartRules__Api=http://127.0.0.1:5080 SmartRules__AdminKey=<key> dotnet run --project src/SmartRules.Demo
var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddHttpClient<DemoLoad>(http => http.Timeout = TimeSpan.FromSeconds(30));
builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoLoad>());
builder.Build().Run();
