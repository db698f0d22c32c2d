namespace SmartRules.Domain.Rules.Definitions;

/// <summary>
/// A rule as the client wrote it: Trigger &gt; optional conditions &gt; one action. Nothing here is trusted yet;
/// <see cref="RuleCompiler"/> checks it against the tenant's directory and turns it into a <see cref="CompiledRule"/>.
/// </summary>
public sealed record RuleDefinition(
    string? Name,
    TriggerDefinition? Trigger,
    IReadOnlyList<ConditionDefinition>? Conditions,
    ActionDefinition? Action);

/// <summary><c>{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000}</c>.</summary>
public sealed record TriggerDefinition(string? Type, string? Direction = null, RuleValue? Value = null);

/// <summary><c>{"field":"customFields.Segment","operator":"contains","value":"B2B"}</c>.</summary>
public sealed record ConditionDefinition(string? Field, string? Operator, RuleValue? Value);

/// <summary>The single action of a rule; which properties apply depends on <see cref="Type"/>.</summary>
public sealed record ActionDefinition(string? Type)
{
    /// <summary>assignUsers: specific users by e-mail.</summary>
    public IReadOnlyList<string>? Users { get; init; }

    /// <summary>assignUsers: text custom fields, each holding one user's e-mail.</summary>
    public IReadOnlyList<string>? FromCustomFields { get; init; }

    /// <summary>assignWorkflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>assignPaymentMethods: card, bankTransfer, directDebit.</summary>
    public IReadOnlyList<string>? Methods { get; init; }

    /// <summary>sendNotification.</summary>
    public RecipientDefinition? Recipient { get; init; }

    /// <summary>sendNotification: email, webhook or inApp.</summary>
    public string? Channel { get; init; }

    /// <summary>sendNotification: subject template.</summary>
    public string? Subject { get; init; }

    /// <summary>sendNotification: body template.</summary>
    public string? Body { get; init; }
}

/// <summary>Exactly one of <see cref="User"/> (an e-mail) and <see cref="CustomField"/> (a field holding one).</summary>
public sealed record RecipientDefinition(string? User = null, string? CustomField = null);
