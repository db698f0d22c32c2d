using System.Text.Json.Serialization;

namespace SmartRules.Domain.Rules.Triggers;

public enum TriggerType
{
    [JsonStringEnumMemberName("customerCreated")]
    CustomerCreated,
    [JsonStringEnumMemberName("customerCreatedOrUpdated")]
    CustomerCreatedOrUpdated,
    [JsonStringEnumMemberName("outstandingAmountThreshold")]
    OutstandingAmountThreshold,
    [JsonStringEnumMemberName("ratingThreshold")]
    RatingThreshold,
    [JsonStringEnumMemberName("averagePaymentDelayThreshold")]
    AveragePaymentDelayThreshold,
}
