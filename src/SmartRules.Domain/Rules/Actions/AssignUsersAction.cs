using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;

namespace SmartRules.Domain.Rules.Actions;

/// <summary>
/// Adds users to the customer: named users, and the users whose e-mails are held in custom fields (one per field).
/// Every user must be in the tenant's directory at the time of firing. An empty field or an unknown e-mail is
/// skipped and noted while the others are still assigned; when nobody at all can be assigned the rule is skipped.
/// </summary>
public sealed class AssignUsersAction(IReadOnlyList<string> users, IReadOnlyList<string> fromCustomFields) : RuleAction
{
    public IReadOnlyList<string> Users { get; } = users;

    public IReadOnlyList<string> FromCustomFields { get; } = fromCustomFields;

    public override ActionType Type => ActionType.AssignUsers;

    internal override ActionEffect Apply(CustomerSnapshot customer, ITenantDirectory directory, CompiledRule rule)
    {
        var found = new List<string>(Users.Count + FromCustomFields.Count);
        List<string>? notes = null;
        foreach (var email in Users)
        {
            Collect(UserLookup.Named(email, directory, out var skipped), skipped);
        }

        foreach (var field in FromCustomFields)
        {
            Collect(UserLookup.FromCustomField(customer, field, directory, out var skipped), skipped);
        }

        var note = notes is null ? null : string.Join("; ", notes);
        if (found.Count == 0)
        {
            return ActionEffect.Skipped(customer, note ?? "no user to assign");
        }

        return new(customer with { AssignedUsers = customer.AssignedUsers.Union(found) }, true, note);

        void Collect(string? user, string? skipped)
        {
            if (user is not null) found.Add(user);
            else (notes ??= []).Add(skipped!);
        }
    }
}
