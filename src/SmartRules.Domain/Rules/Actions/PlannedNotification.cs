using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Actions;

/// <summary>
/// A notification a firing asks for: to whom, on which channel, with which templates, and the customer as it was
/// when the rule fired (the data the templates are rendered with, as data only). The host renders it and writes
/// it to the outbox in the same durable step as the customer state.
/// </summary>
public sealed record PlannedNotification(
    string RuleId,
    int RuleVersion,
    NotificationChannel Channel,
    string Recipient,
    string? SubjectTemplate,
    string BodyTemplate,
    CustomerSnapshot Customer);
