namespace SmartRules.Domain.Rules.Actions;

public enum ActionType
{
    AssignUsers,
    AssignWorkflow,
    AssignPaymentMethods,
    Exclude,
    SendNotification,
}
