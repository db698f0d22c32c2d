namespace SmartRules.Domain.Rules.Actions;

public enum NotificationChannel
{
    Email,
    Webhook,
    InApp,
}
