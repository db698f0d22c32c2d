using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;

namespace SmartRules.Domain.Rules.Actions;

/// <summary>
/// Asks for a notification to one recipient, a named user or the user whose e-mail a custom field holds, who must
/// be in the directory when the rule fires (else the rule is skipped and the audit says why).
/// </summary>
public sealed class SendNotificationAction(
    string? recipientUser,
    string? recipientCustomField,
    NotificationChannel channel,
    string? subjectTemplate,
    string bodyTemplate) : RuleAction
{
    public string? RecipientUser { get; } = recipientUser;

    public string? RecipientCustomField { get; } = recipientCustomField;

    public NotificationChannel Channel { get; } = channel;

    public string? SubjectTemplate { get; } = subjectTemplate;

    public string BodyTemplate { get; } = bodyTemplate;

    public override ActionType Type => ActionType.SendNotification;

    internal override ActionEffect Apply(CustomerSnapshot customer, ITenantDirectory directory, CompiledRule rule)
    {
        string? skipped;
        var recipient = RecipientUser is not null
            ? UserLookup.Named(RecipientUser, directory, out skipped)
            : UserLookup.FromCustomField(customer, RecipientCustomField!, directory, out skipped);
        if (recipient is null)
        {
            return ActionEffect.Skipped(customer, "no notification sent: " + skipped);
        }

        var notification = new PlannedNotification(rule.Id, rule.Version, Channel, recipient, SubjectTemplate, BodyTemplate, customer);
        return new(customer, true, null, notification);
    }
}
