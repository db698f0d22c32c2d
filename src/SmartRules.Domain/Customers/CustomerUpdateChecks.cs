using SmartRules.Domain.Tenants;
using SmartRules.Domain.Rules;

namespace SmartRules.Domain.Customers;

/// <summary>
/// The domain's checks of an external change before it is applied: values the directory must know, the rating a
/// tenant that derives it must not send, and the limits on texts. Returns every problem with its field path, and the
/// update with users spelled as the directory spells them.
/// </summary>
public static class CustomerUpdateChecks
{
    public const int MaxNameLength = 1_000;
    public const int MaxCustomFields = 200;

    public static IReadOnlyList<RuleProblem> Check(CustomerUpdate update, ITenantDirectory directory, RatingSource ratingSource, out CustomerUpdate normalized)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(directory);
        var problems = new List<RuleProblem>();
        normalized = update;

        if (update.Name is { HasValue: true, Value: { } name })
        {
            if (name.Length > MaxNameLength) problems.Add(new("name", $"must be at most {MaxNameLength} characters (got {name.Length})"));
            else if (TextRules.HasControlCharacters(name)) problems.Add(new("name", "must not contain control characters"));
        }

        if (update.Rating.HasValue && ratingSource == RatingSource.DerivedFromDelay)
        {
            problems.Add(new("rating", "this tenant derives ratings from averagePaymentDelayDays (settings.ratingSource = derivedFromDelay); leave rating out"));
        }

        if (update.CustomFields is { } fields)
        {
            if (fields.Count > MaxCustomFields) problems.Add(new("customFields", $"at most {MaxCustomFields} fields per update (got {fields.Count})"));
            foreach (var (field, value) in fields)
            {
                if (TextRules.NameProblem(field, TextRules.MaxFieldNameLength) is { } problem) problems.Add(new("customFields", $"the field name '{TextRules.Shorten(field)}' {problem}"));
                else if (value is { Length: > TextRules.MaxValueLength }) problems.Add(new("customFields." + field, $"must be at most {TextRules.MaxValueLength} characters (got {value.Length})"));
                else if (TextRules.StorableProblem(value) is { } storable) problems.Add(new("customFields." + field, storable));
            }
        }

        if (update.Workflow is { HasValue: true, Value: { } workflow } && !directory.HasWorkflow(workflow))
        {
            problems.Add(new("workflow", $"unknown workflow '{workflow}'; create it in the tenant's workflows first"));
        }

        if (update.AssignedUsers is { } users)
        {
            var canonical = new List<string>(users.Count);
            var i = 0;
            foreach (var email in users)
            {
                if (!string.IsNullOrEmpty(email) && directory.TryResolveUser(email, out var user)) canonical.Add(user);
                else problems.Add(new($"assignedUsers[{i}]", $"unknown user '{email}'; add it to the tenant's users first"));
                i++;
            }

            normalized = update with { AssignedUsers = canonical };
        }

        return problems;
    }
}
