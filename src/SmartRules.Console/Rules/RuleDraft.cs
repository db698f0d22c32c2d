using System.Text.Json.Nodes;
using SmartRules.Console.Api;

namespace SmartRules.Console.Rules;

/// <summary>A rule as the editor's three steps fill it in: Trigger, Filter (conditions), Action.</summary>
public sealed class RuleDraft
{
    public string Name { get; set; } = "";

    public string TriggerType { get; set; } = "outstandingAmountThreshold";

    public string Direction { get; set; } = "exceeds";

    public string TriggerValue { get; set; } = "";

    public List<ConditionDraft> Conditions { get; } = [];

    public string ActionType { get; set; } = "assignWorkflow";

    public string WorkflowId { get; set; } = "";

    public List<string> Users { get; set; } = [];

    public List<string> FromCustomFields { get; set; } = [];

    public List<string> Methods { get; set; } = [];

    /// <summary><c>user</c> or <c>customField</c>.</summary>
    public string RecipientKind { get; set; } = "user";

    public string RecipientUser { get; set; } = "";

    public string RecipientCustomField { get; set; } = "";

    public string Channel { get; set; } = "inApp";

    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";

    public RuleBody ToBody() => new(Name, Trigger(), Conditions.Select(c => c.ToModel()).ToList(), Action());

    private TriggerModel Trigger()
    {
        if (!RuleVocabulary.IsThreshold(TriggerType)) return new(TriggerType, null, null);
        JsonNode? value = TriggerType == "ratingThreshold" ? JsonValue.Create(TriggerValue) : ConditionDraft.Number(TriggerValue);
        return new(TriggerType, Direction, value);
    }

    private ActionModel Action() => ActionType switch
    {
        "assignWorkflow" => new(ActionType, WorkflowId: WorkflowId),
        "assignUsers" => new(ActionType, Users: Users.Count > 0 ? Users : null, FromCustomFields: FromCustomFields.Count > 0 ? FromCustomFields : null),
        "assignPaymentMethods" => new(ActionType, Methods: Methods),
        "sendNotification" => new(
            ActionType,
            Recipient: RecipientKind == "user" ? new RecipientModel(RecipientUser, null) : new RecipientModel(null, RecipientCustomField),
            Channel: Channel, Subject: Subject, Body: Body),
        _ => new(ActionType),
    };

    public static RuleDraft From(RuleView rule)
    {
        var draft = new RuleDraft
        {
            Name = rule.Name ?? "",
            TriggerType = rule.Trigger?.Type ?? "customerCreated",
            Direction = rule.Trigger?.Direction ?? "exceeds",
            TriggerValue = rule.Trigger?.Value?.ToString() ?? "",
            ActionType = rule.Action?.Type ?? "assignWorkflow",
            WorkflowId = rule.Action?.WorkflowId ?? "",
            Users = [.. rule.Action?.Users ?? []],
            FromCustomFields = [.. rule.Action?.FromCustomFields ?? []],
            Methods = [.. rule.Action?.Methods ?? []],
            RecipientKind = rule.Action?.Recipient?.CustomField is not null ? "customField" : "user",
            RecipientUser = rule.Action?.Recipient?.User ?? "",
            RecipientCustomField = rule.Action?.Recipient?.CustomField ?? "",
            Channel = rule.Action?.Channel ?? "inApp",
            Subject = rule.Action?.Subject ?? "",
            Body = rule.Action?.Body ?? "",
        };
        draft.Conditions.AddRange((rule.Conditions ?? []).Select(ConditionDraft.From));
        return draft;
    }
}
