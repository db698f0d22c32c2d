namespace SmartRules.Domain.Customers;

/// <summary>The payment methods a customer may have enabled, as a set of flags.</summary>
[Flags]
public enum PaymentMethods : byte
{
    None = 0,
    Card = 1,
    BankTransfer = 2,
    DirectDebit = 4,
}
