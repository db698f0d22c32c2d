namespace SmartRules.Domain.Rules.Triggers;

public enum TriggerType
{
    CustomerCreated,
    CustomerCreatedOrUpdated,
    OutstandingAmountThreshold,
    RatingThreshold,
    AveragePaymentDelayThreshold,
}
