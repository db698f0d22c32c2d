using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Persistence.Notifications;
using SmartRules.Server.Auth;
using SmartRules.Server.Json;

namespace SmartRules.Server.Apis;

public static class NotificationsApi
{
    public const int MaxListed = 1000;

    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/notifications", List).WithName("ListNotifications").WithTags("Notifications").Produces<NotificationResponse[]>()
            .WithSummary("List notifications").WithDescription("Oldest first, at most 1,000; customerId narrows to one customer. In-app notifications live here; status is pending, sent or failed.");
        return api;
    }

    public static async Task<Results<Ok<NotificationResponse[]>, ValidationProblem>> List(string? customerId, ClaimsPrincipal user, OutboxStore outbox, CancellationToken cancellationToken)
    {
        if (customerId is not null && CustomerBodyReader.IdProblem(customerId) is { } idProblem) return ApiResults.Invalid("customerId", idProblem);
        var items = await outbox.ListAsync(user.TenantId(), customerId, MaxListed, cancellationToken);
        return TypedResults.Ok(items.Select(n => new NotificationResponse(
            n.Id, n.CustomerId, n.RuleId, n.RuleVersion, n.Channel, n.Recipient, n.Subject, n.Body, n.Status, n.Attempts, n.CreatedAt, n.SentAt, n.LastError)).ToArray());
    }
}
