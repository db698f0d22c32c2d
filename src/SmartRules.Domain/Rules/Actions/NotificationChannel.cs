using System.Text.Json.Serialization;

namespace SmartRules.Domain.Rules.Actions;

public enum NotificationChannel
{
    [JsonStringEnumMemberName("email")]
    Email,
    [JsonStringEnumMemberName("webhook")]
    Webhook,
    [JsonStringEnumMemberName("inApp")]
    InApp,
}
