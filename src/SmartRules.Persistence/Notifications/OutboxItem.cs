namespace SmartRules.Persistence.Notifications;

/// <summary>A notification row as stored, with its delivery status.</summary>
public sealed record OutboxItem(
    string TenantId,
    Guid Id,
    string CustomerId,
    string RuleId,
    int RuleVersion,
    string Channel,
    string Recipient,
    string? Subject,
    string Body,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    string? LastError);
