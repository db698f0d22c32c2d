using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Definitions;
using static SmartRules.Domain.Tests.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>Every kind of invalid rule is refused with a problem at the field path that names it.</summary>
public sealed class RuleValidationTests
{
    private static readonly RuleDefinition Valid = new("Big balances", Outstanding("exceeds", 5000), [When("customFields.Segment", "contains", "B2B")], Workflow("collections"));

    [Fact]
    public void A_valid_rule_has_no_problem() => Assert.Empty(RuleCompiler.Validate(Valid, Tenant));

    public static TheoryData<RuleDefinition, string, string> InvalidRules() => new()
    {
        { Valid with { Name = "" }, "name", "required" },
        { Valid with { Name = new string('x', 201) }, "name", "at most 200" },
        { Valid with { Name = "tab\there" }, "name", "control characters" },
        { Valid with { Trigger = null }, "trigger", "required" },
        { Valid with { Trigger = new TriggerDefinition("balanceChanged") }, "trigger.type", "unknown trigger 'balanceChanged'" },
        { Valid with { Trigger = new TriggerDefinition("outstandingAmountThreshold", "exceeds", new RuleValue.Text("5000")) }, "trigger.value", "must be a number (got a text)" },
        { Valid with { Trigger = new TriggerDefinition("outstandingAmountThreshold", "exceeds") }, "trigger.value", "must be a number (got nothing)" },
        { Valid with { Trigger = new TriggerDefinition("outstandingAmountThreshold", "equals", new RuleValue.Number(1)) }, "trigger.direction", "unknown direction 'equals'" },
        { Valid with { Trigger = new TriggerDefinition("averagePaymentDelayThreshold", null, new RuleValue.Number(1)) }, "trigger.direction", "required" },
        { Valid with { Trigger = new TriggerDefinition("ratingThreshold", "exceeds", new RuleValue.Number(3)) }, "trigger.value", "must be a rating" },
        { Valid with { Trigger = RatingThreshold("exceeds", "E") }, "trigger.value", "got 'E'" },
        { Valid with { Trigger = RatingThreshold("exceeds", "a") }, "trigger.value", "got 'a'" },
        { Valid with { Trigger = RatingThreshold("exceeds", "A") }, "trigger.value", "can never fire" },
        { Valid with { Trigger = RatingThreshold("fallsBelow", "D") }, "trigger.value", "can never fire" },
        { Valid with { Trigger = new TriggerDefinition("customerCreated", "exceeds") }, "trigger.direction", "not allowed" },
        { Valid with { Trigger = new TriggerDefinition("customerCreatedOrUpdated", null, new RuleValue.Number(1)) }, "trigger.value", "not allowed" },
        { Valid with { Conditions = [When("balance", "min", 1m)] }, "conditions[0].field", "unknown field 'balance'" },
        { Valid with { Conditions = [When("customFields.", "contains", "x")] }, "conditions[0].field", "custom field name" },
        { Valid with { Conditions = [When("name", "min", 1m)] }, "conditions[0].operator", "'min' does not apply to the text field 'name'" },
        { Valid with { Conditions = [When("outstandingAmount", "contains", "1")] }, "conditions[0].operator", "'contains' does not apply to the number field" },
        { Valid with { Conditions = [When("rating", "min", 1m)] }, "conditions[0].operator", "does not apply to the rating field" },
        { Valid with { Conditions = [When("name", "startsWith", "A")] }, "conditions[0].operator", "unknown operator 'startsWith'" },
        { Valid with { Conditions = [new ConditionDefinition("name", null, new RuleValue.Text("x"))] }, "conditions[0].operator", "required" },
        { Valid with { Conditions = [When("outstandingAmount", "min", "1000")] }, "conditions[0].value", "must be a number (got a text)" },
        { Valid with { Conditions = [When("name", "contains", "")] }, "conditions[0].value", "must not be empty" },
        { Valid with { Conditions = [When("name", "isAnyOf", "x")] }, "conditions[0].value", "non-empty list" },
        { Valid with { Conditions = [new ConditionDefinition("name", "contains", new RuleValue.Other("a boolean"))] }, "conditions[0].value", "got a boolean" },
        { Valid with { Conditions = [WhenAny("rating", "isOneOf", "A", "E")] }, "conditions[0].value[1]", "'E' is not a rating" },
        { Valid with { Conditions = [When("rating", "atLeast", "F")] }, "conditions[0].value", "must be a rating" },
        { Valid with { Conditions = [When("workflow", "contains", "nope")] }, "conditions[0].value", "unknown workflow 'nope'" },
        { Valid with { Action = null }, "action", "required" },
        { Valid with { Action = new ActionDefinition("archive") }, "action.type", "unknown action 'archive'" },
        { Valid with { Action = Workflow("nope") }, "action.workflowId", "unknown workflow 'nope'" },
        { Valid with { Action = new ActionDefinition("assignWorkflow") }, "action.workflowId", "required" },
        { Valid with { Action = Users("zed@acme.test") }, "action.users[0]", "unknown user 'zed@acme.test'" },
        { Valid with { Action = new ActionDefinition("assignUsers") }, "action", "at least one user" },
        { Valid with { Action = PaymentMethods("cash") }, "action.methods[0]", "unknown payment method 'cash'" },
        { Valid with { Action = new ActionDefinition("exclude") { WorkflowId = "legal" } }, "action.workflowId", "not allowed for the action 'exclude'" },
        { Valid with { Action = Notify("zed@acme.test") }, "action.recipient.user", "unknown user" },
        { Valid with { Action = Notify("ann@acme.test", "sms") }, "action.channel", "unknown channel 'sms'" },
        { Valid with { Action = Notify("ann@acme.test") with { Body = " " } }, "action.body", "required" },
        { Valid with { Action = Notify("ann@acme.test") with { Recipient = new RecipientDefinition("ann@acme.test", "CSM") } }, "action.recipient", "exactly one" },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void An_invalid_rule_is_refused_with_its_field_path(RuleDefinition rule, string path, string message)
    {
        var compilation = RuleCompiler.Compile("r1", 1, rule, Tenant);

        Assert.False(compilation.Succeeded);
        Assert.Null(compilation.Rule);
        var problem = Assert.Single(compilation.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_not_only_the_first()
    {
        var rule = new RuleDefinition(
            "",
            new TriggerDefinition("nope"),
            [When("name", "min", 1m), When("outstandingAmount", "min", "x")],
            new ActionDefinition("assignUsers") { Users = ["zed@acme.test", "ann@acme.test", "yan@acme.test"] });

        var paths = RuleCompiler.Validate(rule, Tenant).Select(p => p.Path);

        Assert.Equal(["name", "trigger.type", "conditions[0].operator", "conditions[1].value", "action.users[0]", "action.users[2]"], paths);
    }

    [Fact]
    public void Users_are_known_in_any_letter_case_and_kept_as_the_directory_spells_them()
    {
        var rule = Compile("r", Valid with { Action = Users("CARLA@ACME.TEST") });

        var action = Assert.IsType<Domain.Rules.Actions.AssignUsersAction>(rule.Action);
        Assert.Equal(["Carla@Acme.test"], action.Users);
    }
}
