using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;

namespace SmartRules.Domain.Rules.Actions;

/// <summary>Finds the users a rule names, directly or through custom fields that hold e-mails, and says what it skipped.</summary>
internal static class UserLookup
{
    /// <summary>The user whose e-mail a custom field holds (surrounding blanks ignored), or <c>null</c> with the reason.</summary>
    public static string? FromCustomField(CustomerSnapshot customer, string field, ITenantDirectory directory, out string? skipped)
    {
        var value = customer.CustomFields[field]?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            skipped = $"custom field '{field}' is empty; skipped";
            return null;
        }

        if (directory.TryResolveUser(value, out var user))
        {
            skipped = null;
            return user;
        }

        skipped = $"'{value}' in custom field '{field}' is not in the user directory; skipped";
        return null;
    }

    public static string? Named(string email, ITenantDirectory directory, out string? skipped)
    {
        if (directory.TryResolveUser(email, out var user))
        {
            skipped = null;
            return user;
        }

        skipped = $"user '{email}' is not in the user directory; skipped";
        return null;
    }
}
