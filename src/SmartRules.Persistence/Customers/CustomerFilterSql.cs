using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;

namespace SmartRules.Persistence.Customers;

/// <summary>
/// Turns compiled conditions into a SQL predicate on <c>customers</c> with exactly the domain's semantics: whole,
/// exact, case-sensitive text; a missing field contains nothing; an unknown delay or rating matches no condition.
/// Every value is a parameter. A single-value custom-field test is written as jsonb containment so that the GIN index
/// on <c>custom_fields</c> can serve it.
/// </summary>
public static class CustomerFilterSql
{
    public static string Where(IReadOnlyList<Condition> conditions, NpgsqlParameterCollection parameters)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(parameters);
        var sql = new StringBuilder("tenant_id = @tenant");
        for (var i = 0; i < conditions.Count; i++)
        {
            sql.Append(" and ").Append(Predicate(conditions[i], $"f{i}", parameters));
        }

        return sql.ToString();
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
