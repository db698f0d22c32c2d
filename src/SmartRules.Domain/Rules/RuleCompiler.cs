using SmartRules.Domain.Customers;
using SmartRules.Domain.Tenants;
using SmartRules.Domain.Rules.Actions;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Domain.Rules.Definitions;
using SmartRules.Domain.Rules.Triggers;

namespace SmartRules.Domain.Rules;

/// <summary>
/// Checks a <see cref="RuleDefinition"/> against the contract and the tenant's directory, and compiles it once into a
/// <see cref="CompiledRule"/>. It reports every problem it finds, each at its field path, rather than the first.
/// </summary>
public static class RuleCompiler
{
    public const int MaxConditions = 100;

    public static IReadOnlyList<RuleProblem> Validate(RuleDefinition definition, ITenantDirectory directory) =>
        Compile("validation", 1, definition, directory).Problems;

    /// <summary>Compiles a filter on its own (customer lists, counts, bulk actions), in the rules' condition language.</summary>
    public static (IReadOnlyList<Condition>? Conditions, IReadOnlyList<RuleProblem> Problems) CompileConditions(
        IReadOnlyList<ConditionDefinition>? conditions, ITenantDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var problems = new List<RuleProblem>();
        var compiled = new Session(problems, directory).Conditions(conditions);
        return (problems.Count == 0 ? compiled : null, problems);
    }

    public static RuleCompilation Compile(string ruleId, int version, RuleDefinition definition, ITenantDirectory directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(directory);
        var problems = new List<RuleProblem>();
        var session = new Session(problems, directory);

        var name = definition.Name;
        session.Check("name", TextRules.NameProblem(name, TextRules.MaxNameLength));
        var trigger = session.Trigger(definition.Trigger);
        var conditions = session.Conditions(definition.Conditions);
        var action = session.Action(definition.Action);

        if (problems.Count > 0 || trigger is null || conditions is null || action is null)
        {
            return new(null, problems);
        }

        return new(new CompiledRule(ruleId, version, name!, trigger, conditions, action), []);
    }

    private sealed class Session(List<RuleProblem> problems, ITenantDirectory directory)
    {
        public void Add(string path, string message) => problems.Add(new(path, message));

        public void Check(string path, string? problem)
        {
            if (problem is not null) Add(path, problem);
        }

        public Trigger? Trigger(TriggerDefinition? definition)
        {
            const string path = "trigger";
            if (definition is null)
            {
                Add(path, $"is required: {{\"type\": ...}} with a type among {RuleVocabulary.OneOf(RuleVocabulary.TriggerTypes)}");
                return null;
            }

            if (definition.Type is null)
            {
                Add("trigger.type", $"is required; allowed: {RuleVocabulary.OneOf(RuleVocabulary.TriggerTypes)}");
                return null;
            }

            if (!RuleVocabulary.TryParse(RuleVocabulary.TriggerTypes, definition.Type, out TriggerType type))
            {
                Add("trigger.type", $"unknown trigger '{definition.Type}'; allowed: {RuleVocabulary.OneOf(RuleVocabulary.TriggerTypes)}");
                return null;
            }

            if (type is TriggerType.CustomerCreated or TriggerType.CustomerCreatedOrUpdated)
            {
                if (definition.Direction is not null) Add("trigger.direction", $"is not allowed for a {definition.Type} trigger");
                if (definition.Value is not null) Add("trigger.value", $"is not allowed for a {definition.Type} trigger");
                return type == TriggerType.CustomerCreated ? CustomerCreatedTrigger.Instance : CustomerCreatedOrUpdatedTrigger.Instance;
            }

            ThresholdDirection direction = default;
            var directionKnown = definition.Direction is null
                ? Fail("trigger.direction", $"is required for a threshold; allowed: {RuleVocabulary.OneOf(RuleVocabulary.Directions)}")
                : RuleVocabulary.TryParse(RuleVocabulary.Directions, definition.Direction, out direction) ||
                  Fail("trigger.direction", $"unknown direction '{definition.Direction}'; allowed: {RuleVocabulary.OneOf(RuleVocabulary.Directions)}");

            if (type == TriggerType.RatingThreshold)
            {
                if (!TryRating("trigger.value", definition.Value, out var rating) || !directionKnown) return null;
                if (direction == ThresholdDirection.Exceeds && rating == Rating.A)
                {
                    Add("trigger.value", "'exceeds A' can never fire: no rating ranks above A");
                    return null;
                }

                if (direction == ThresholdDirection.FallsBelow && rating == Rating.D)
                {
                    Add("trigger.value", "'falls below D' can never fire: becoming unrated fires nothing");
                    return null;
                }

                return new RatingThresholdTrigger(direction, rating);
            }

            if (!TryNumber("trigger.value", definition.Value, out var threshold) || !directionKnown) return null;
            return type == TriggerType.OutstandingAmountThreshold
                ? new OutstandingAmountThresholdTrigger(direction, threshold)
                : new AveragePaymentDelayThresholdTrigger(direction, threshold);
        }

        public Condition[]? Conditions(IReadOnlyList<ConditionDefinition>? definitions)
        {
            if (definitions is null || definitions.Count == 0) return [];
            if (definitions.Count > MaxConditions)
            {
                Add("conditions", $"at most {MaxConditions} conditions per rule (got {definitions.Count})");
                return null;
            }

            var conditions = new Condition?[definitions.Count];
            for (var i = 0; i < definitions.Count; i++)
            {
                conditions[i] = Condition($"conditions[{i}]", definitions[i]);
            }

            return Array.TrueForAll(conditions, c => c is not null) ? Array.ConvertAll(conditions, c => c!) : null;
        }

        private Condition? Condition(string path, ConditionDefinition? definition)
        {
            if (definition is null)
            {
                Add(path, "must be an object with 'field', 'operator' and 'value'");
                return null;
            }

            var field = definition.Field;
            var op = definition.Operator;
            if (op is null) Add(path + ".operator", "is required");
            if (field is null)
            {
                Add(path + ".field", $"is required; allowed: {RuleVocabulary.OneOf(RuleVocabulary.Fields)}");
                return null;
            }

            if (field == "rating") return op is null ? null : RatingCondition(path, op, definition.Value);

            if (RuleVocabulary.NumberFields.Contains(field))
            {
                Func<CustomerSnapshot, decimal?> read = field switch
                {
                    "outstandingAmount" => static c => c.OutstandingAmount,
                    "dueAmount" => static c => c.DueAmount,
                    "overdueAmount" => static c => c.OverdueAmount,
                    _ => static c => c.AveragePaymentDelayDays,
                };
                return op is null ? null : NumberCondition(path, field, op, read, definition.Value);
            }

            Func<CustomerSnapshot, string?>? readText = null;
            if (field == "name")
            {
                readText = static c => c.Name;
            }
            else if (field == "workflow")
            {
                readText = static c => c.Workflow;
            }
            else if (field.StartsWith(RuleVocabulary.CustomFieldPrefix, StringComparison.Ordinal))
            {
                var customField = field[RuleVocabulary.CustomFieldPrefix.Length..];
                var problem = TextRules.NameProblem(customField, TextRules.MaxFieldNameLength);
                if (problem is not null)
                {
                    Add(path + ".field", "the custom field name " + problem);
                    return null;
                }

                readText = c => c.CustomFields[customField];
            }

            if (readText is null)
            {
                Add(path + ".field", $"unknown field '{field}'; allowed: {RuleVocabulary.OneOf(RuleVocabulary.Fields)}");
                return null;
            }

            return op is null ? null : TextCondition(path, field, op, readText, definition.Value);
        }

        private TextCondition? TextCondition(string path, string field, string op, Func<CustomerSnapshot, string?> read, RuleValue? value)
        {
            var listOnly = op is "isAnyOf" or "isNoneOf";
            if (!(op is "contains" or "doesNotContain" || listOnly))
            {
                WrongOperator(path, field, op, "text", RuleVocabulary.TextOperators);
                return null;
            }

            string[]? values = value switch
            {
                RuleValue.Text text when !listOnly => [text.Value],
                RuleValue.TextList list when list.Values.Count > 0 => [.. list.Values],
                _ => null,
            };
            if (values is null)
            {
                var expected = listOnly ? "a non-empty list of texts" : "a text, or a non-empty list of texts (alternatives)";
                Add(path + ".value", $"must be {expected} for '{op}' (got {Describe(value)})");
                return null;
            }

            var valid = true;
            for (var i = 0; i < values.Length; i++)
            {
                var itemPath = value is RuleValue.TextList ? $"{path}.value[{i}]" : path + ".value";
                var problem = TextRules.ValueProblem(values[i]);
                if (problem is null && field == "workflow" && !directory.HasWorkflow(values[i]))
                {
                    problem = $"unknown workflow '{values[i]}'";
                }

                if (problem is not null)
                {
                    Add(itemPath, problem);
                    valid = false;
                }
            }

            return valid ? new TextCondition(field, op, read, values, negated: op is "doesNotContain" or "isNoneOf") : null;
        }

        private NumberCondition? NumberCondition(string path, string field, string op, Func<CustomerSnapshot, decimal?> read, RuleValue? value)
        {
            NumberComparison? comparison = op switch
            {
                "min" => NumberComparison.AtLeast,
                "max" => NumberComparison.AtMost,
                "greaterThan" => NumberComparison.GreaterThan,
                "lessThan" => NumberComparison.LessThan,
                _ => null,
            };
            if (comparison is null)
            {
                WrongOperator(path, field, op, "number", RuleVocabulary.NumberOperators);
                return null;
            }

            return TryNumber(path + ".value", value, out var bound) ? new NumberCondition(field, op, read, comparison.Value, bound) : null;
        }

        private RatingCondition? RatingCondition(string path, string op, RuleValue? value)
        {
            switch (op)
            {
                case "isOneOf":
                    if (value is not RuleValue.TextList { Values.Count: > 0 } list)
                    {
                        Add(path + ".value", $"must be a non-empty list of ratings among 'A', 'B', 'C', 'D' (got {Describe(value)})");
                        return null;
                    }

                    var accepted = new List<Rating>();
                    for (var i = 0; i < list.Values.Count; i++)
                    {
                        if (Ratings.TryParse(list.Values[i], out var rating)) accepted.Add(rating.Value);
                        else Add($"{path}.value[{i}]", $"'{list.Values[i]}' is not a rating; allowed: 'A', 'B', 'C', 'D'");
                    }

                    return accepted.Count == list.Values.Count ? new RatingCondition(op, accepted) : null;
                case "atLeast":
                case "atMost":
                    if (!TryRating(path + ".value", value, out var bound)) return null;
                    var rank = (int)bound;
                    return new RatingCondition(op, Enum.GetValues<Rating>().Where(r => op == "atLeast" ? (int)r >= rank : (int)r <= rank));
                default:
                    WrongOperator(path, "rating", op, "rating", RuleVocabulary.RatingOperators);
                    return null;
            }
        }

        private void WrongOperator(string path, string field, string op, string kind, IReadOnlyList<string> allowed)
        {
            var known = RuleVocabulary.TextOperators.Concat(RuleVocabulary.NumberOperators).Concat(RuleVocabulary.RatingOperators).Contains(op);
            Add(path + ".operator", known
                ? $"'{op}' does not apply to the {kind} field '{field}'; allowed: {RuleVocabulary.OneOf(allowed)}"
                : $"unknown operator '{op}'; for the {kind} field '{field}' use one of {RuleVocabulary.OneOf(allowed)}");
        }

        public RuleAction? Action(ActionDefinition? definition)
        {
            if (definition is null)
            {
                Add("action", $"is required: exactly one action with a type among {RuleVocabulary.OneOf(RuleVocabulary.ActionTypes)}");
                return null;
            }

            if (definition.Type is null || !RuleVocabulary.TryParse(RuleVocabulary.ActionTypes, definition.Type, out ActionType type))
            {
                Add("action.type", definition.Type is null
                    ? $"is required; allowed: {RuleVocabulary.OneOf(RuleVocabulary.ActionTypes)}"
                    : $"unknown action '{definition.Type}'; allowed: {RuleVocabulary.OneOf(RuleVocabulary.ActionTypes)}");
                return null;
            }

            RejectForeignProperties(definition, type);
            return type switch
            {
                ActionType.AssignUsers => AssignUsers(definition),
                ActionType.AssignWorkflow => AssignWorkflow(definition),
                ActionType.AssignPaymentMethods => AssignPaymentMethods(definition),
                ActionType.Exclude => ExcludeAction.Instance,
                _ => SendNotification(definition),
            };
        }

        private void RejectForeignProperties(ActionDefinition d, ActionType type)
        {
            void Reject(string property, bool present, params ActionType[] owners)
            {
                if (present && !owners.Contains(type)) Add("action." + property, $"is not allowed for the action '{d.Type}'");
            }

            Reject("users", d.Users is not null, ActionType.AssignUsers);
            Reject("fromCustomFields", d.FromCustomFields is not null, ActionType.AssignUsers);
            Reject("workflowId", d.WorkflowId is not null, ActionType.AssignWorkflow);
            Reject("methods", d.Methods is not null, ActionType.AssignPaymentMethods);
            Reject("recipient", d.Recipient is not null, ActionType.SendNotification);
            Reject("channel", d.Channel is not null, ActionType.SendNotification);
            Reject("subject", d.Subject is not null, ActionType.SendNotification);
            Reject("body", d.Body is not null, ActionType.SendNotification);
        }

        private AssignUsersAction? AssignUsers(ActionDefinition d)
        {
            var users = d.Users ?? [];
            var fields = d.FromCustomFields ?? [];
            if (users.Count == 0 && fields.Count == 0)
            {
                Add("action", "an assignUsers action names at least one user in 'users' or one custom field in 'fromCustomFields'");
                return null;
            }

            var before = problems.Count;
            var canonical = new List<string>(users.Count);
            for (var i = 0; i < users.Count; i++)
            {
                if (KnownUser($"action.users[{i}]", users[i]) is { } user) canonical.Add(user);
            }

            for (var i = 0; i < fields.Count; i++)
            {
                Check($"action.fromCustomFields[{i}]", TextRules.NameProblem(fields[i], TextRules.MaxFieldNameLength));
            }

            return problems.Count == before ? new AssignUsersAction(canonical.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(), fields.Distinct(StringComparer.Ordinal).ToArray()) : null;
        }

        private AssignWorkflowAction? AssignWorkflow(ActionDefinition d)
        {
            if (string.IsNullOrEmpty(d.WorkflowId))
            {
                Add("action.workflowId", "is required: the id of one of the tenant's workflows");
                return null;
            }

            if (!directory.HasWorkflow(d.WorkflowId))
            {
                Add("action.workflowId", $"unknown workflow '{d.WorkflowId}'; create it in the tenant's workflows first");
                return null;
            }

            return new AssignWorkflowAction(d.WorkflowId);
        }

        private AssignPaymentMethodsAction? AssignPaymentMethods(ActionDefinition d)
        {
            if (d.Methods is null || d.Methods.Count == 0)
            {
                Add("action.methods", $"is required: a non-empty list among {RuleVocabulary.OneOf(PaymentMethodNames.All)}");
                return null;
            }

            var methods = PaymentMethods.None;
            var valid = true;
            for (var i = 0; i < d.Methods.Count; i++)
            {
                if (PaymentMethodNames.TryParse(d.Methods[i], out var method))
                {
                    methods |= method;
                }
                else
                {
                    Add($"action.methods[{i}]", $"unknown payment method '{d.Methods[i]}'; allowed: {RuleVocabulary.OneOf(PaymentMethodNames.All)}");
                    valid = false;
                }
            }

            return valid ? new AssignPaymentMethodsAction(methods) : null;
        }

        private SendNotificationAction? SendNotification(ActionDefinition d)
        {
            var before = problems.Count;
            string? user = null;
            string? field = null;
            if (d.Recipient is null || (d.Recipient.User is null) == (d.Recipient.CustomField is null))
            {
                Add("action.recipient", "is required: exactly one of {\"user\": email} or {\"customField\": name}");
            }
            else if (d.Recipient.User is not null)
            {
                user = KnownUser("action.recipient.user", d.Recipient.User);
            }
            else
            {
                field = d.Recipient.CustomField;
                Check("action.recipient.customField", TextRules.NameProblem(field, TextRules.MaxFieldNameLength));
            }

            NotificationChannel channel = default;
            if (d.Channel is null || !RuleVocabulary.TryParse(RuleVocabulary.Channels, d.Channel, out channel))
            {
                Add("action.channel", d.Channel is null
                    ? $"is required; allowed: {RuleVocabulary.OneOf(RuleVocabulary.Channels)}"
                    : $"unknown channel '{d.Channel}'; allowed: {RuleVocabulary.OneOf(RuleVocabulary.Channels)}");
            }

            if (d.Subject is { Length: > TextRules.MaxNameLength }) Add("action.subject", $"must be at most {TextRules.MaxNameLength} characters");
            Check("action.subject", TextRules.StorableProblem(d.Subject));
            Check("action.body", TextRules.StorableProblem(d.Body));
            if (string.IsNullOrWhiteSpace(d.Body)) Add("action.body", "is required: the message template, e.g. \"{{ customer.name }} owes {{ customer.outstandingAmount }}\"");
            else if (d.Body.Length > TextRules.MaxTemplateLength) Add("action.body", $"must be at most {TextRules.MaxTemplateLength} characters");

            return problems.Count == before ? new SendNotificationAction(user, field, channel, d.Subject, d.Body!) : null;
        }

        private string? KnownUser(string path, string? email)
        {
            if (string.IsNullOrWhiteSpace(email))
            {
                Add(path, "must be a user's e-mail");
                return null;
            }

            if (directory.TryResolveUser(email, out var user)) return user;
            Add(path, $"unknown user '{email}'; add it to the tenant's users first");
            return null;
        }

        private bool TryNumber(string path, RuleValue? value, out decimal number)
        {
            if (value is RuleValue.Number n)
            {
                number = n.Value;
                return true;
            }

            number = 0;
            return Fail(path, $"must be a number (got {Describe(value)})");
        }

        private bool TryRating(string path, RuleValue? value, out Rating rating)
        {
            if (value is RuleValue.Text text && Ratings.TryParse(text.Value, out var parsed))
            {
                rating = parsed.Value;
                return true;
            }

            rating = default;
            var got = value is RuleValue.Text t ? $"'{t.Value}'" : Describe(value);
            return Fail(path, $"must be a rating: 'A', 'B', 'C' or 'D' (got {got})");
        }

        private bool Fail(string path, string message)
        {
            Add(path, message);
            return false;
        }

        private static string Describe(RuleValue? value) => value?.Describe() ?? "nothing";
    }
}
