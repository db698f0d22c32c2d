using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Tenants;

namespace SmartRules.Server.Auth;

public static class AuthSchemes
{
    public const string Tenant = "TenantKey";
    public const string Admin = "AdminKey";
    public const string TenantClaim = "smartrules:tenant";

    /// <summary>The tenant the request authenticated as (endpoints under /api only).</summary>
    public static string TenantId(this ClaimsPrincipal user) =>
        user.FindFirstValue(TenantClaim) ?? throw new InvalidOperationException("The request is not authenticated as a tenant.");

    internal static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    internal static Task WriteUnauthorizedAsync(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Results.Problem(statusCode: 401, title: "Unauthorized", detail: detail).ExecuteAsync(context);
    }
}

/// <summary>"Authorization: Bearer &lt;tenant API key&gt;" for everything under /api.</summary>
public sealed class TenantKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    ApiKeyCache cache) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = AuthSchemes.Bearer(Request);
        if (key is null) return AuthenticateResult.NoResult();
        var tenant = ApiKeys.TenantOf(key);
        if (tenant is null) return AuthenticateResult.Fail("not a SmartRules API key");
        var hash = ApiKeys.Hash(key);
        if (!cache.IsAccepted(hash))
        {
            if (!await grains.GetGrain<ITenantGrain>(TenantKey.Of(tenant)).HasApiKeyHashAsync(hash)) return AuthenticateResult.Fail("unknown API key");
            cache.Remember(hash);
        }

        var identity = new ClaimsIdentity([new Claim(AuthSchemes.TenantClaim, tenant)], AuthSchemes.Tenant);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), AuthSchemes.Tenant));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AuthSchemes.WriteUnauthorizedAsync(Context, "Send the tenant's API key as 'Authorization: Bearer <key>'.");
}

/// <summary>
/// The admin key, for /admin and the Orleans dashboard: "Authorization: Bearer &lt;SmartRules:AdminKey&gt;", or HTTP Basic
/// with the key as the password (any user name) so that a browser can open /dashboard.
/// </summary>
public sealed class AdminKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IConfiguration configuration) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var expected = configuration["SmartRules:AdminKey"];
        var key = AuthSchemes.Bearer(Request) ?? BasicPassword(Request);
        if (key is null) return Task.FromResult(AuthenticateResult.NoResult());
        if (string.IsNullOrEmpty(expected) ||
            !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            return Task.FromResult(AuthenticateResult.Fail("wrong admin key"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, "admin")], AuthSchemes.Admin);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), AuthSchemes.Admin)));
    }

    private static string? BasicPassword(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon >= 0 ? decoded[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"SmartRules admin\", charset=\"UTF-8\"";
        return AuthSchemes.WriteUnauthorizedAsync(Context, string.IsNullOrEmpty(configuration["SmartRules:AdminKey"])
            ? "No admin key is configured (SmartRules:AdminKey); /admin is closed."
            : "Send the admin key as 'Authorization: Bearer <key>', or as the password of HTTP Basic authentication.");
    }
}
