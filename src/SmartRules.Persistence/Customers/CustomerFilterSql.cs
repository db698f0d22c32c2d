using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Rules.Triggers;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Turns compiled conditions into a SQL predicate on <c>customers</c> with exactly the domain's semantics: whole,
/// exact, case-sensitive text; a missing field contains nothing; an unknown delay or rating matches no condition.
/// Every value is a parameter. A single-value custom-field test is written as jsonb containment so that the GIN index
/// on <c>custom_fields</c> can serve it.
/// </summary>
public static class CustomerFilterSql
{
    public static string Where(IReadOnlyList<Condition> conditions, NpgsqlParameterCollection parameters) =>
        "tenant_id = @tenant and " + All(conditions, parameters, "f");

    /// <summary>All the conditions (AND), parameters named from <paramref name="prefix"/>; "true" for none.</summary>
    public static string All(IReadOnlyList<Condition> conditions, NpgsqlParameterCollection parameters, string prefix)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(parameters);
        if (conditions.Count == 0) return "true";
        var sql = new StringBuilder("(");
        for (var i = 0; i < conditions.Count; i++)
        {
            if (i > 0) sql.Append(" and ");
            sql.Append(Predicate(conditions[i], $"{prefix}{i}", parameters));
        }

        return sql.Append(')').ToString();
    }

    /// <summary>
    /// The customers a rule can apply to when it is backfilled: its conditions hold and, for a threshold rule, the
    /// current value is strictly beyond the threshold (unset or unrated never is).
    /// </summary>
    public static string RuleCandidates(CompiledRule rule, NpgsqlParameterCollection parameters, string prefix)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var threshold = rule.Trigger switch
        {
            OutstandingAmountThresholdTrigger t => Beyond("outstanding_amount", t.Direction, t.Threshold),
            AveragePaymentDelayThresholdTrigger t => Beyond("average_payment_delay_days", t.Direction, t.Threshold),
            RatingThresholdTrigger t => RatingsBeyond(t),
            _ => "true",
        };
        return $"({threshold} and {All(rule.Conditions, parameters, prefix + "c")})";

        string Beyond(string column, ThresholdDirection direction, decimal value)
        {
            parameters.Add(new NpgsqlParameter<decimal>(prefix + "t", NpgsqlDbType.Numeric) { TypedValue = value });
            return $"{column} {(direction == ThresholdDirection.Exceeds ? ">" : "<")} @{prefix}t";
        }

        string RatingsBeyond(RatingThresholdTrigger t)
        {
            var ratings = Enum.GetValues<Rating>()
                .Where(r => t.Direction == ThresholdDirection.Exceeds ? r > t.Threshold : r < t.Threshold)
                .Select(Ratings.Name).ToArray();
            parameters.Add(new NpgsqlParameter<string[]>(prefix + "t", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ratings });
            return $"rating::text = any(@{prefix}t)";
        }
    }

    private static string Predicate(Condition condition, string name, NpgsqlParameterCollection parameters)
    {
        switch (condition)
        {
            case TextCondition text:
            {
                var isCustom = text.Field.StartsWith(RuleVocabulary.CustomFieldPrefix, StringComparison.Ordinal);
                var fieldName = isCustom ? text.Field[RuleVocabulary.CustomFieldPrefix.Length..] : null;
                if (isCustom && !text.Negated && text.Values.Count == 1)
                {
                    parameters.Add(new NpgsqlParameter<string>(name, NpgsqlDbType.Jsonb)
                    {
                        TypedValue = JsonSerializer.Serialize(new Dictionary<string, string> { [fieldName!] = text.Values[0] }),
                    });
                    return $"custom_fields @> @{name}";
                }

                string column;
                if (isCustom)
                {
                    parameters.Add(new NpgsqlParameter<string>(name + "k", NpgsqlDbType.Text) { TypedValue = fieldName! });
                    column = $"(custom_fields ->> @{name}k)";
                }
                else
                {
                    column = text.Field == "name" ? "name" : "workflow";
                }

                parameters.Add(new NpgsqlParameter<string[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. text.Values] });
                return text.Negated ? $"({column} is null or not ({column} = any(@{name})))" : $"{column} = any(@{name})";
            }

            case NumberCondition number:
            {
                var column = number.Field switch
                {
                    "outstandingAmount" => "outstanding_amount",
                    "dueAmount" => "due_amount",
                    "overdueAmount" => "overdue_amount",
                    _ => "average_payment_delay_days",
                };
                var op = number.Comparison switch
                {
                    NumberComparison.AtLeast => ">=",
                    NumberComparison.AtMost => "<=",
                    NumberComparison.GreaterThan => ">",
                    _ => "<",
                };
                parameters.Add(new NpgsqlParameter<decimal>(name, NpgsqlDbType.Numeric) { TypedValue = number.Bound });
                return $"{column} {op} @{name}";
            }

            case RatingCondition rating:
                parameters.Add(new NpgsqlParameter<string[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text)
                {
                    TypedValue = [.. rating.Accepted.Select(Ratings.Name)],
                });
                return $"rating::text = any(@{name})";

            default:
                throw new NotSupportedException($"No SQL for the condition {condition}.");
        }
    }
}
