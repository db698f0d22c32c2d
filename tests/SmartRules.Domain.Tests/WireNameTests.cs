using System.Text.Json;
using System.Text.Json.Serialization;
using SmartRules.Domain.Audit;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Actions;
using SmartRules.Domain.Rules.Triggers;

namespace SmartRules.Domain.Tests;

/// <summary>
/// The enums' wire names, spelled out: rule definitions, stored audit JSON and metrics carry them, so they may never
/// change. They come from [JsonStringEnumMemberName], and System.Text.Json writes the very same ones.
/// </summary>
public sealed class WireNameTests
{
    [Fact]
    public void The_rule_language_and_audit_names_are_the_documented_ones()
    {
        Assert.Equal(["customerCreated", "customerCreatedOrUpdated", "outstandingAmountThreshold", "ratingThreshold", "averagePaymentDelayThreshold"], RuleVocabulary.TriggerTypes);
        Assert.Equal(["exceeds", "fallsBelow"], RuleVocabulary.Directions);
        Assert.Equal(["assignUsers", "assignWorkflow", "assignPaymentMethods", "exclude", "sendNotification"], RuleVocabulary.ActionTypes);
        Assert.Equal(["email", "webhook", "inApp"], RuleVocabulary.Channels);
        Assert.Equal(["update", "ruleFired", "ruleSkipped", "excluded"], RuleVocabulary.AuditKinds);
        Assert.Equal("ruleSkipped", RuleVocabulary.Name(AuditKind.RuleSkipped));
        Assert.Equal("averagePaymentDelayThreshold", RuleVocabulary.Name(TriggerType.AveragePaymentDelayThreshold));
    }

    [Fact]
    public void System_Text_Json_writes_the_same_names()
    {
        AssertSame<TriggerType>();
        AssertSame<ThresholdDirection>();
        AssertSame<ActionType>();
        AssertSame<NotificationChannel>();
        AssertSame<AuditKind>();
    }

    private static void AssertSame<TEnum>()
        where TEnum : struct, Enum
    {
        var options = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter<TEnum>() } };
        foreach (var value in Enum.GetValues<TEnum>())
        {
            Assert.Equal(JsonSerializer.Serialize(WireNames.Of<TEnum>()[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)]), JsonSerializer.Serialize(value, options));
        }
    }
}
