using System.Text.Json.Nodes;

namespace SmartRules.Console.Api;

// The HTTP API's shapes as the console reads and writes them (docs: /work/shared/API.md). The console talks to the
// API only over HTTP, so these are its own: they decouple the browser front end from the server's assemblies.

public sealed record RuleView(
    string Id, int Version, string Status, string? Name, TriggerModel? Trigger, IReadOnlyList<ConditionModel>? Conditions,
    ActionModel? Action, IReadOnlyList<RuleWarning>? Warnings);

public sealed record RuleWarning(string Code, string Message, long? Count, string? RelatedRuleId);

public sealed record TriggerModel(string? Type, string? Direction, JsonNode? Value);

public sealed record ConditionModel(string? Field, string? Operator, JsonNode? Value);

public sealed record RecipientModel(string? User, string? CustomField);

public sealed record ActionModel(
    string? Type, IReadOnlyList<string>? Users = null, IReadOnlyList<string>? FromCustomFields = null, string? WorkflowId = null,
    IReadOnlyList<string>? Methods = null, RecipientModel? Recipient = null, string? Channel = null, string? Subject = null, string? Body = null);

public sealed record RuleBody(string? Name, TriggerModel? Trigger, IReadOnlyList<ConditionModel> Conditions, ActionModel? Action);

public sealed record RuleCreated(string Id, int Version, string Status);

public sealed record ActivateResult(string? BackfillId);

public sealed record BackfillStarted(string BackfillId);

public sealed record BackfillStatus(string Status, long Total, long Processed, long Matched, long Applied);

public sealed record CustomerView(
    string Id, string? Name, decimal OutstandingAmount, decimal DueAmount, decimal OverdueAmount, string? Rating,
    decimal? AveragePaymentDelayDays, IReadOnlyDictionary<string, string>? CustomFields, IReadOnlyList<string>? AssignedUsers,
    string? Workflow, IReadOnlyList<string>? PaymentMethods, bool Excluded, long Version);

public sealed record CustomerPage(IReadOnlyList<CustomerView> Items, string? Next);

public sealed record CustomerCount(long Count, IReadOnlyList<string> Sample);

public sealed record AuditEntry(DateTimeOffset At, string Kind, string? RuleId, int? RuleVersion, string? Trigger, JsonNode? Before, JsonNode? After, string? Note);

public sealed record NotificationView(
    Guid Id, string RuleId, int RuleVersion, string Channel, string Recipient, string? Subject, string Body, string Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string? LastError);

public sealed record UserView(string Email, string Name);

public sealed record WorkflowView(string Id, string Name);

public sealed record CustomFieldView(string Name, long Customers);

public sealed record SettingsView(string RatingSource, string? WebhookUrl, bool WebhookSecretSet);

public sealed record SettingsBody(string RatingSource, string? WebhookUrl, string? WebhookSecret);

public sealed record BulkPreview(long Matched, long WouldChange, IReadOnlyList<ChangeSample>? Sample);

public sealed record ChangeSample(string Id, JsonNode? Before, JsonNode? After);

public sealed record SimulateResult(long Total, long Excluded, long MatchingConditions, long? BeyondThreshold, long WouldChange, IReadOnlyList<ChangeSample>? Sample);

public sealed record ExplainResult(JsonNode? Customer, IReadOnlyList<string>? Changed, IReadOnlyList<ExplainedRule>? Rules);

public sealed record ExplainedRule(
    string RuleId, int? RuleVersion, string? Name, int? Round, string Outcome, ExplainedTrigger? Trigger,
    IReadOnlyList<ExplainedCondition>? Conditions, JsonNode? Effect);

public sealed record ExplainedTrigger(bool Fired, JsonNode? Before, JsonNode? After, string? Reason);

public sealed record ExplainedCondition(string? Field, string? Operator, JsonNode? Value, JsonNode? Actual, bool Passed, string? Hint);
