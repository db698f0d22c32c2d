using SmartRules.Domain.Tenants;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Definitions;

namespace SmartRules.Domain.Tests;

/// <summary>Short ways to write rules in tests, in the same vocabulary as the API.</summary>
internal static class Rules
{
    public static readonly TenantDirectory Tenant = new(
        ["ann@acme.test", "bob@acme.test", "Carla@Acme.test"],
        ["collections", "gentle-reminder", "legal", "vip"]);

    public static TriggerDefinition Created => new("customerCreated");

    public static TriggerDefinition CreatedOrUpdated => new("customerCreatedOrUpdated");

    public static TriggerDefinition Outstanding(string direction, decimal value) => new("outstandingAmountThreshold", direction, new RuleValue.Number(value));

    public static TriggerDefinition Delay(string direction, decimal value) => new("averagePaymentDelayThreshold", direction, new RuleValue.Number(value));

    public static TriggerDefinition RatingThreshold(string direction, string rating) => new("ratingThreshold", direction, new RuleValue.Text(rating));

    public static ConditionDefinition When(string field, string op, string value) => new(field, op, new RuleValue.Text(value));

    public static ConditionDefinition When(string field, string op, decimal value) => new(field, op, new RuleValue.Number(value));

    public static ConditionDefinition WhenAny(string field, string op, params string[] values) => new(field, op, new RuleValue.TextList(values));

    public static ActionDefinition Workflow(string id) => new("assignWorkflow") { WorkflowId = id };

    public static ActionDefinition Users(params string[] emails) => new("assignUsers") { Users = emails };

    public static ActionDefinition UsersFromFields(params string[] fields) => new("assignUsers") { FromCustomFields = fields };

    public static ActionDefinition PaymentMethods(params string[] methods) => new("assignPaymentMethods") { Methods = methods };

    public static ActionDefinition Exclude => new("exclude");

    public static ActionDefinition Notify(string user, string channel = "inApp") =>
        new("sendNotification") { Recipient = new RecipientDefinition(User: user), Channel = channel, Subject = "Heads up", Body = "{{ customer.name }} owes {{ customer.outstandingAmount }}" };

    public static ActionDefinition NotifyField(string field, string channel = "email") =>
        new("sendNotification") { Recipient = new RecipientDefinition(CustomField: field), Channel = channel, Body = "Hello" };

    public static CompiledRule Rule(string id, TriggerDefinition trigger, ActionDefinition action, params ConditionDefinition[] conditions) =>
        Compile(id, new RuleDefinition(id, trigger, conditions, action));

    public static CompiledRule Compile(string id, RuleDefinition definition, ITenantDirectory? directory = null)
    {
        var compilation = RuleCompiler.Compile(id, 1, definition, directory ?? Tenant);
        Assert.True(compilation.Succeeded, string.Join("; ", compilation.Problems));
        return compilation.Rule!;
    }

    public static CompiledRuleSet Set(params CompiledRule[] rules) => new(1, rules);
}
