using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace SmartRules.Console.Sessions;

/// <summary>
/// The signed-in tenant of one circuit (or one request while prerendering): its session id comes from the
/// authentication cookie's claims, its key from <see cref="ApiKeySessions"/>.
/// </summary>
public sealed class TenantSession(AuthenticationStateProvider authentication, ApiKeySessions sessions)
{
    public const string SessionIdClaim = "smartrules:session";

    private ClaimsPrincipal? user;

    public async Task<ClaimsPrincipal> UserAsync() => user ??= (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<string?> ApiKeyAsync() => sessions.ApiKey((await UserAsync()).FindFirst(SessionIdClaim)?.Value);
}
