using System.Numerics;

namespace SmartRules.Domain.Customers;

/// <summary>The wire names of payment methods: <c>card</c>, <c>bankTransfer</c>, <c>directDebit</c>.</summary>
public static class PaymentMethodNames
{
    public static readonly IReadOnlyList<string> All = ["card", "bankTransfer", "directDebit"];

    public static bool TryParse(string? name, out PaymentMethods method)
    {
        method = name switch
        {
            "card" => PaymentMethods.Card,
            "bankTransfer" => PaymentMethods.BankTransfer,
            "directDebit" => PaymentMethods.DirectDebit,
            _ => PaymentMethods.None,
        };
        return method != PaymentMethods.None;
    }

    /// <summary>The names of the methods in the set, in a fixed order.</summary>
    public static string[] ToNames(PaymentMethods methods)
    {
        var names = new string[BitOperations.PopCount((uint)methods)];
        var i = 0;
        if ((methods & PaymentMethods.Card) != 0) names[i++] = "card";
        if ((methods & PaymentMethods.BankTransfer) != 0) names[i++] = "bankTransfer";
        if ((methods & PaymentMethods.DirectDebit) != 0) names[i] = "directDebit";
        return names;
    }
}
