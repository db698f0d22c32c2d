namespace SmartRules.Persistence.Notifications;

/// <summary>
/// A rendered notification waiting in the outbox. <see cref="Id"/> is the firing's idempotency key, derived from the
/// tenant, customer, customer version and rule, so that writing the same firing twice keeps one row.
/// </summary>
public sealed record OutboxMessage(
    Guid Id,
    string TenantId,
    string CustomerId,
    string RuleId,
    int RuleVersion,
    string Channel,
    string Recipient,
    string? Subject,
    string Body,
    DateTimeOffset CreatedAt);
