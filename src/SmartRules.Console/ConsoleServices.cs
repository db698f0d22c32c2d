using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.FluentUI.AspNetCore.Components;
using SmartRules.Console.Api;
using SmartRules.Console.Sessions;

namespace SmartRules.Console;

public static class ConsoleServices
{
    /// <summary>Where the API is: <c>SmartRules:ApiUrl</c>, else the silos' resource name in the AppHost, resolved by service discovery.</summary>
    public const string DefaultApiUrl = "https+http://silo";

    public static WebApplicationBuilder AddConsoleServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();

        // The key stays on the server: the cookie carries an opaque session id only, and is HttpOnly (no script reads it).
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiKeySessions>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/signin";
                options.Cookie.Name = "smartrules-console";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = ApiKeySessions.Lifetime;
                options.SlidingExpiration = false;
                options.Events.OnValidatePrincipal = context =>
                {
                    // A session this process no longer holds (it restarted, or the person signed out elsewhere) signs out.
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<ApiKeySessions>();
                    if (sessions.ApiKey(context.Principal?.FindFirst(TenantSession.SessionIdClaim)?.Value) is null) context.RejectPrincipal();
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<TenantSession>();

        builder.Services.AddServiceDiscovery();
        builder.Services.AddHttpClient<SmartRulesApi>(http => http.BaseAddress = new Uri(builder.Configuration["SmartRules:ApiUrl"] is { Length: > 0 } url ? url : DefaultApiUrl))
            .AddServiceDiscovery();
        return builder;
    }

    /// <summary><c>POST /signout</c>: forgets the session's key and the cookie.</summary>
    public static WebApplication MapSignOut(this WebApplication app)
    {
        app.MapPost("/signout", async (HttpContext context, ApiKeySessions sessions) =>
        {
            sessions.Close(context.User.FindFirst(TenantSession.SessionIdClaim)?.Value);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("~/signin");
        });
        return app;
    }
}
