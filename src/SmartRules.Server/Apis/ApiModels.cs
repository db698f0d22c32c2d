using System.ComponentModel;
using System.Text.Json.Serialization;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;

namespace SmartRules.Server.Apis;

/// <summary>A new tenant; <c>Shard</c> names the customer shard for its data (absent: the one holding the fewest customers).</summary>
public sealed record CreateTenantRequest(string? Id, string? Name, string? Shard = null);

public sealed record CreateTenantResponse(string Id, string ApiKey, string KeyId);

/// <summary>A new key of a tenant, shown once.</summary>
public sealed record NewApiKeyResponse(string KeyId, string ApiKey);

public sealed record SiloStats(
    string Silo, long UpdatesApplied, int ActiveCustomers, IReadOnlyList<string> Backfills, long ResidentBytes, long ManagedHeapBytes, int FullCollections);

public sealed record NameBody(string? Name);

public sealed record UserResponse(string Email, string Name);

public sealed record WorkflowResponse(string Id, string Name);

public sealed record SettingsBody(string? RatingSource, string? WebhookUrl, string? WebhookSecret);

public sealed record SettingsResponse(string RatingSource, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? WebhookUrl, bool WebhookSecretSet);

/// <summary>
/// A customer as answered by PUT, GET, lists and search: every property of the customer, unset ones as <c>null</c>
/// (API.md), plus what its rules did for a PUT (absent elsewhere) and <c>stale</c> only when true.
/// </summary>
public sealed record CustomerResponse(
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Name,
    decimal OutstandingAmount,
    decimal DueAmount,
    decimal OverdueAmount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Rating,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? AveragePaymentDelayDays,
    IReadOnlyDictionary<string, string> CustomFields,
    IReadOnlyList<string> AssignedUsers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Workflow,
    IReadOnlyList<string> PaymentMethods,
    bool Excluded,
    long Version,
    IReadOnlyList<FiredRule>? FiredRules = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Stale = false)
{
    public static CustomerResponse From(CustomerView c, IReadOnlyList<FiredRule>? firedRules = null, bool stale = false) => new(
        c.Id, c.Name, c.OutstandingAmount, c.DueAmount, c.OverdueAmount, c.Rating, c.AveragePaymentDelayDays, c.CustomFields,
        c.AssignedUsers, c.Workflow, c.PaymentMethods, c.Excluded, c.Version, firedRules, stale);
}

/// <summary>
/// The body of PUT /api/customers/{id} as the OpenAPI document describes it, every property optional. The server reads
/// bodies with <see cref="Json.CustomerBodyReader"/> instead, because an absent property (kept) is not a null one
/// (cleared), which no C# type tells apart; a test keeps the two lists of properties equal.
/// </summary>
public class CustomerUpdateBody
{
    [Description("Null clears it.")]
    public string? Name { get; init; }

    [Description("Cannot be null; 0 for none.")]
    public decimal OutstandingAmount { get; init; }

    [Description("Cannot be null; 0 for none.")]
    public decimal DueAmount { get; init; }

    [Description("Cannot be null; 0 for none.")]
    public decimal OverdueAmount { get; init; }

    [Description("A, B, C or D; null clears it. Not accepted when the tenant's ratingSource is derivedFromDelay.")]
    public string? Rating { get; init; }

    [Description("Null clears it.")]
    public decimal? AveragePaymentDelayDays { get; init; }

    [Description("Merged into the current ones: a field set to null is removed, absent fields are kept.")]
    public IReadOnlyDictionary<string, string?> CustomFields { get; init; } = new Dictionary<string, string?>();

    [Description("A workflow id of the tenant; null clears it.")]
    public string? Workflow { get; init; }

    [Description("E-mails of the tenant's users; replaces the current list.")]
    public IReadOnlyList<string> AssignedUsers { get; init; } = [];

    [Description("card, bankTransfer or directDebit; replaces the current list.")]
    public IReadOnlyList<string> PaymentMethods { get; init; } = [];

    [Description("Optional, 0 or more, increasing per customer: an update whose sequence is not above the last applied one changes nothing and is answered with stale: true.")]
    public long Sequence { get; init; }
}

/// <summary>One line of POST /api/customer-updates (NDJSON): a <see cref="CustomerUpdateBody"/> with the customer's id.</summary>
public sealed class CustomerUpdateLine : CustomerUpdateBody
{
    [Description("The customer's id: 1–200 characters.")]
    public required string Id { get; init; }
}

/// <summary>A page of customers; <see cref="Next"/> is <c>null</c> on the last page (and says so).</summary>
public sealed record CustomerPage(IReadOnlyList<CustomerResponse> Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

public sealed record SearchRequest(IReadOnlyList<ConditionDto>? Conditions, int? Limit, string? After);

public sealed record CountRequest(IReadOnlyList<ConditionDto>? Conditions);

public sealed record CountResponse(long Count, IReadOnlyList<string> Sample);

/// <summary>One audit entry; properties that do not apply to its kind are <c>null</c>, never left out.</summary>
public sealed record AuditResponse(
    DateTimeOffset At,
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? RuleId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? RuleVersion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Trigger,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] System.Text.Json.Nodes.JsonNode? Before,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] System.Text.Json.Nodes.JsonNode? After,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Note);

/// <summary>A rule as clients write it for POST and PUT.</summary>
public sealed record RuleRequest(string? Name, TriggerDto? Trigger, IReadOnlyList<ConditionDto>? Conditions, ActionDto? Action, bool? Active)
{
    public RuleDefinitionDto ToDefinition() => new(Name, Trigger, Conditions, Action);
}

/// <summary>A rule, with the advisor's warnings (<see cref="Advisor.RuleWarnings"/>): never blocking, always present.</summary>
public sealed record RuleResponse(
    string Id, int Version, string Status, string? Name, TriggerDto? Trigger, IReadOnlyList<ConditionDto>? Conditions, ActionDto? Action,
    IReadOnlyList<Advisor.RuleWarningResponse> Warnings)
{
    public static RuleResponse From(RuleRecord rule, IReadOnlyList<Advisor.RuleWarningResponse> warnings) => new(
        rule.Id, rule.Version, rule.Active ? "active" : "inactive",
        rule.Definition.Name, rule.Definition.Trigger, rule.Definition.Conditions ?? [], rule.Definition.Action, warnings);
}

public sealed record ActivateRequest(bool? ApplyToExisting);

public sealed record IngestionError(int Line, string Error);

/// <summary>Disjoint counts per line; <see cref="Rejected"/> lists at most the first 1,000 rejected lines,
/// <see cref="RejectedTotal"/> counts them all.</summary>
public sealed record IngestionResponse(int Accepted, int Stale, IReadOnlyList<IngestionError> Rejected, int RejectedTotal);

public sealed record NotificationResponse(
    Guid Id,
    string CustomerId,
    string RuleId,
    int RuleVersion,
    string Channel,
    string Recipient,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Subject,
    string Body,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? SentAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastError);
