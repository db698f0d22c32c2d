using System.Text.Json.Serialization;

namespace SmartRules.Domain.Rules.Actions;

public enum ActionType
{
    [JsonStringEnumMemberName("assignUsers")]
    AssignUsers,
    [JsonStringEnumMemberName("assignWorkflow")]
    AssignWorkflow,
    [JsonStringEnumMemberName("assignPaymentMethods")]
    AssignPaymentMethods,
    [JsonStringEnumMemberName("exclude")]
    Exclude,
    [JsonStringEnumMemberName("sendNotification")]
    SendNotification,
}
