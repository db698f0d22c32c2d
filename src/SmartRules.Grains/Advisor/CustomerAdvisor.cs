using System.Globalization;
using SmartRules.Contracts.Advisor;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Grains.Rules;
using SmartRules.Grains.Tenants;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Advisor;

/// <summary>
/// The warnings that count customers (<c>applyToExisting</c>, <c>caseVariants</c>, <c>unknownCustomField</c>),
/// computed by GET /api/rules/{id}/advice from the customer table and stored for rule responses; their messages say
/// when they were counted.
/// </summary>
public sealed class CustomerAdvisor(Simulator simulator, SimulationQueries queries, TimeProvider time)
{
    public async Task<StoredAdvice> ComputeAsync(string tenantId, RuleRecord rule, TenantRuntime tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(tenant);
        var now = time.GetUtcNow();
        var when = "counted " + now.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var warnings = new List<RuleWarning>();
        if (RuleCompiler.Compile(rule.Id, rule.Version, rule.Definition.ToDomain(), tenant.Directory).Rule is not { } compiled)
        {
            return new StoredAdvice(rule.Version, now, warnings);
        }

        var simulation = await simulator.RuleAsync(tenantId, compiled, tenant, cancellationToken);
        if (simulation.WouldChange > 0)
        {
            var beyond = simulation.BeyondThreshold is > 0 ? $" ({simulation.BeyondThreshold} of the customers matching its conditions are already beyond the threshold: no update will fire it for them until they cross back)" : "";
            warnings.Add(new("applyToExisting",
                $"{simulation.WouldChange} existing customers would be acted on only if the rule is applied to existing customers{beyond}. Activate it with {{\"applyToExisting\":true}} (POST /api/rules/{rule.Id}/activate) to reach them; POST /api/rules/simulate shows a sample ({when}).",
                simulation.WouldChange));
        }

        foreach (var field in CustomFieldsOf(rule.Definition))
        {
            if (!await queries.HasCustomFieldAsync(tenantId, field, cancellationToken))
            {
                warnings.Add(new("unknownCustomField",
                    $"No customer has the custom field '{field}' ({when}): field names are exact and case-sensitive. Check the spelling against GET /api/custom-fields, or send the field with your customer updates.",
                    0));
            }
        }

        for (var i = 0; i < compiled.Conditions.Count; i++)
        {
            if (compiled.Conditions[i] is not TextCondition text) continue;
            string? customField = text.Field.StartsWith("customFields.", StringComparison.Ordinal) ? text.Field["customFields.".Length..] : null;
            if (customField is null && text.Field != "name") continue;
            foreach (var value in text.Values)
            {
                var (exact, variants) = await queries.TextVariantsAsync(tenantId, customField, value, cancellationToken);
                if (exact == 0 && variants > 0)
                {
                    warnings.Add(new("caseVariants",
                        $"conditions[{i}]: no customer has {text.Field} exactly \"{value}\", but {variants} have it in another letter case or with blanks around it ({when}). Values are compared exactly: write the value as your customers have it, list the variants with isAnyOf, or clean the data.",
                        variants));
                }
            }
        }

        return new StoredAdvice(rule.Version, now, warnings);
    }

    /// <summary>The custom fields a rule reads: in its conditions, and for assignUsers / notification recipients.</summary>
    private static IEnumerable<string> CustomFieldsOf(RuleDefinitionDto definition)
    {
        var fields = new List<string>();
        foreach (var condition in definition.Conditions ?? [])
        {
            if (condition?.Field is { } f && f.StartsWith("customFields.", StringComparison.Ordinal)) fields.Add(f["customFields.".Length..]);
        }

        fields.AddRange(definition.Action?.FromCustomFields ?? []);
        if (definition.Action?.Recipient?.CustomField is { } recipient) fields.Add(recipient);
        return fields.Distinct(StringComparer.Ordinal);
    }
}
