using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SmartRules.Console.Sessions;

/// <summary>
/// The tenants' API keys of the signed-in people, held in this process only and found by an opaque session id — the
/// only thing the browser holds, inside the HttpOnly, encrypted authentication cookie. A key therefore never reaches
/// the browser; a restart of the console signs everyone out (the price of not storing keys anywhere).
/// </summary>
public sealed class ApiKeySessions(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private readonly ConcurrentDictionary<string, (string ApiKey, DateTimeOffset Expires)> sessions = new();

    public string Open(string apiKey)
    {
        foreach (var (id, session) in sessions)
        {
            if (session.Expires <= clock.GetUtcNow()) sessions.TryRemove(id, out _);
        }

        var sessionId = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        sessions[sessionId] = (apiKey, clock.GetUtcNow() + Lifetime);
        return sessionId;
    }

    public string? ApiKey(string? sessionId) =>
        sessionId is not null && sessions.TryGetValue(sessionId, out var session) && session.Expires > clock.GetUtcNow() ? session.ApiKey : null;

    public void Close(string? sessionId)
    {
        if (sessionId is not null) sessions.TryRemove(sessionId, out _);
    }
}
