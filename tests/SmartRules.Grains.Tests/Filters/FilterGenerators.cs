using FsCheck;
using FsCheck.Fluent;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Rules;

namespace SmartRules.Grains.Tests.Filters;

/// <summary>
/// Scenarios for the filter property: customers with edge values, conditions over every field and operator, and
/// rules with every trigger. Values come from small pools, a few common ones weighted up, so that conditions hit
/// customers as often as they miss them; the pools hold the edges that make text and numbers differ (letter case,
/// blanks, look-alike Unicode, scale, sign, extremes).
/// </summary>
internal static class FilterGenerators
{
    public static readonly string[] Users = ["ann@acme.test", "bob@acme.test"];

    /// <summary>The tenant's workflows; a workflow condition may only name these.</summary>
    public static readonly string[] Workflows = ["collections", "Collections", "legal", "l\u00e9gal", "vip"];

    private static readonly string[] CommonTexts = ["B2B", "b2b", "B2C", "B2B, B2C"];

    private static readonly string[] EdgeTexts =
    [
        "B2B ", " B2B", "B2b", "   ", "\uff22\uff12\uff22", "B2B\u00a0", "B2B\u200b",
        "Stra\u00dfe", "STRASSE", "strasse", "STRA\u1e9eE",
        "istanbul", "\u0130stanbul", "\u0131stanbul", "ISTANBUL",
        "\u00e9", "e\u0301", "\u00c9", "\u03a9", "\u2126",
        "\U0001F642", "\U0001F44D\U0001F3FD", "\U0001F3F3\uFE0F\u200D\U0001F308",
        "\u05e2\u05d1\u05e8\u05d9\u05ea", "a\"b\\c", "\\u0041", "50%", "a_b", "it's", "{\"a\":1}", "null", "\ufffd",
    ];

    /// <summary>Texts that custom fields and condition values may hold but names may not (control characters) or
    /// that only they may be so long.</summary>
    private static readonly string[] FieldOnlyTexts =
        ["\tB2B", "B2B\n", new string('x', TextRules.MaxValueLength), string.Concat(Enumerable.Repeat("\U0001F642", TextRules.MaxValueLength / 2))];

    private static readonly string[] NameOnlyTexts = [new string('\u00df', CustomerUpdateChecks.MaxNameLength)];

    private static readonly string[] FieldNames = ["Segment", "segment", "Plan", "R\u00e9gion", "CSM 1", "a.b", " Segment", "\U0001F642", "say \"hi\"", "a\\b"];

    private static readonly string[] IdStems = ["c", "C", "\u00e9", "e\u0301", "\U0001F642", "z", "a b", "\uff43"];

    /// <summary>What a client gets by sending <c>-0.00</c>: a decimal zero with its sign bit set.</summary>
    private static readonly decimal NegativeZero = decimal.Parse("-0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly decimal[] CommonAmounts = [0m, 5000m, 7000m, 7000.00m, -1m];

    private static readonly decimal[] EdgeAmounts =
    [
        0.00m, 6999.99m, 7000.01m, -7000m, -0.01m, 1m, 0.0000000000000000000000000001m, 1234567890.123456789012345678m,
        7000.000000000000000000000000m, decimal.MaxValue, decimal.MinValue, NegativeZero,
    ];

    private static readonly decimal[] CommonDelays = [0m, 30m, 60m, 90m];

    private static readonly decimal[] EdgeDelays = [-5m, -0.5m, 30.0m, 30.5m, 29.999999999999999999999999m, 90.0001m, 120m, NegativeZero];

    private static readonly string[] RatingNames = ["A", "B", "C", "D"];

    private static readonly string[] TextOperators = [.. RuleVocabulary.TextOperators];

    private static readonly string[] NumberOperators = [.. RuleVocabulary.NumberOperators];

    private static readonly string[] RatingOperators = [.. RuleVocabulary.RatingOperators];

    private static readonly string[] NumberFields = [.. RuleVocabulary.NumberFields];

    private static readonly string[] Directions = [.. RuleVocabulary.Directions];

    private static readonly string[] PaymentMethods = [.. PaymentMethodNames.All];

    private static Gen<string> Text => Pick(CommonTexts, EdgeTexts);

    private static Gen<string> NameText => Pick(CommonTexts, [.. EdgeTexts, .. NameOnlyTexts]);

    private static Gen<string> FieldText => Pick(CommonTexts, [.. EdgeTexts, .. FieldOnlyTexts]);

    private static Gen<string> ConditionText => Pick(CommonTexts, [.. EdgeTexts, .. FieldOnlyTexts, .. NameOnlyTexts]);

    private static Gen<decimal> Amount => Pick(CommonAmounts, EdgeAmounts);

    private static Gen<decimal> Delay => Pick(CommonDelays, EdgeDelays);

    public static Arbitrary<FilterScenario> Scenarios => Arb.From(Scenario, Shrink);

    public static Gen<FilterScenario> Scenario =>
        from ratingSource in Gen.Frequency((4, Gen.Constant(RatingSource.Provided)), (1, Gen.Constant(RatingSource.DerivedFromDelay)))
        from count in Gen.Choose(20, 50)
        from customers in Gen.CollectToArray(Enumerable.Range(0, count), i => Customer(i, ratingSource))
        from filterCount in Gen.Choose(0, 3)
        from filter in Gen.ArrayOf(Condition, filterCount)
        from ruleCount in Gen.Choose(1, 3)
        from rules in Gen.CollectToArray(Enumerable.Range(0, ruleCount), Rule)
        from pageSize in Gen.Choose(1, 20)
        select new FilterScenario(ratingSource, customers, filter, rules, pageSize);

    public static Gen<ConditionDto> Condition => Gen.Frequency((3, TextCondition), (3, NumberCondition), (1, RatingCondition));

    /// <summary>Fewer customers first (halves, then one at a time), then fewer conditions and rules.</summary>
    public static IEnumerable<FilterScenario> Shrink(FilterScenario scenario)
    {
        var customers = scenario.Customers;
        if (customers.Count > 1)
        {
            yield return scenario with { Customers = [.. customers.Take(customers.Count / 2)] };
            yield return scenario with { Customers = [.. customers.Skip(customers.Count / 2)] };
        }

        for (var i = 0; i < scenario.Filter.Count; i++) yield return scenario with { Filter = Without(scenario.Filter, i) };
        for (var i = 0; i < scenario.Rules.Count && scenario.Rules.Count > 1; i++) yield return scenario with { Rules = Without(scenario.Rules, i) };
        for (var r = 0; r < scenario.Rules.Count; r++)
        {
            var conditions = scenario.Rules[r].Conditions ?? [];
            for (var i = 0; i < conditions.Count; i++)
            {
                var rules = scenario.Rules.ToArray();
                rules[r] = rules[r] with { Conditions = Without(conditions, i) };
                yield return scenario with { Rules = rules };
            }
        }

        for (var i = 0; i < customers.Count && customers.Count > 1; i++) yield return scenario with { Customers = Without(customers, i) };
    }

    private static Gen<T> Pick<T>(T[] common, T[] edge) => Gen.Frequency((3, Gen.Elements(common)), (2, Gen.Elements(edge)));

    private static Gen<T?> OrNull<T>(Gen<T> value, int nullWeight = 1, int valueWeight = 4)
        where T : class => Gen.Frequency((nullWeight, Gen.Constant<T?>(null)), (valueWeight, value.Select(v => (T?)v)));

    private static Gen<Patch<T>> Maybe<T>(Gen<T> value) =>
        Gen.Frequency((1, Gen.Constant(default(Patch<T>))), (3, value.Select(v => Patch.Set(v))));

    private static Gen<ScenarioCustomer> Customer(int index, RatingSource ratingSource) =>
        from stem in Gen.Elements(IdStems)
        from created in Command(ratingSource)
        from updated in OrNull(Command(ratingSource), nullWeight: 3, valueWeight: 1)
        from excluded in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new ScenarioCustomer($"{stem}-{index}", created, updated, excluded);

    private static Gen<CustomerUpdateCommand> Command(RatingSource ratingSource) =>
        from name in Maybe(Gen.Frequency((1, Gen.Constant<string?>(null)), (1, Gen.Constant<string?>("")), (8, NameText.Select(n => (string?)n))))
        from outstanding in Maybe(Amount)
        from due in Maybe(Amount)
        from overdue in Maybe(Amount)
        from rating in ratingSource == RatingSource.Provided
            ? Maybe(Gen.Frequency((1, Gen.Constant<string?>(null)), (4, Gen.Elements(RatingNames).Select(r => (string?)r))))
            : Gen.Constant(default(Patch<string?>)) // a tenant that derives ratings refuses them
        from delay in Maybe(Gen.Frequency((1, Gen.Constant<decimal?>(null)), (4, Delay.Select(d => (decimal?)d))))
        from workflow in Maybe(OrNull(Gen.Elements(Workflows)))
        from fields in OrNull(CustomFields)
        from users in OrNull(Gen.SubListOf(Users).Select(u => u.ToArray()), nullWeight: 2, valueWeight: 1)
        from methods in OrNull(Gen.SubListOf(PaymentMethods).Select(m => m.ToArray()), nullWeight: 2, valueWeight: 1)
        select new CustomerUpdateCommand
        {
            Name = name,
            OutstandingAmount = outstanding,
            DueAmount = due,
            OverdueAmount = overdue,
            Rating = rating,
            AveragePaymentDelayDays = delay,
            Workflow = workflow,
            CustomFields = fields,
            AssignedUsers = users,
            PaymentMethods = methods,
        };

    /// <summary>Up to four fields; a value may be <c>null</c> or "", which removes the field.</summary>
    private static Gen<IReadOnlyDictionary<string, string?>> CustomFields =>
        from count in Gen.Choose(0, 4)
        from names in Gen.Shuffle(FieldNames)
        from values in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant<string?>(null)), (1, Gen.Constant<string?>("")), (8, FieldText.Select(v => (string?)v))), count)
        select (IReadOnlyDictionary<string, string?>)names.Take(count).Zip(values).ToDictionary(f => f.First, f => f.Second, StringComparer.Ordinal);

    private static Gen<ConditionDto> TextCondition =>
        from fieldName in Gen.Frequency(
            (1, Gen.Constant("name")),
            (1, Gen.Constant("workflow")),
            (3, Gen.Elements<string>([.. FieldNames, "Missing"]).Select(f => RuleVocabulary.CustomFieldPrefix + f)))
        from op in Gen.Elements(TextOperators)
        from value in TextValue(fieldName == "workflow" ? Gen.Elements(Workflows) : ConditionText, listOnly: op is "isAnyOf" or "isNoneOf")
        select new ConditionDto(fieldName, op, value);

    /// <summary>One text, or alternatives (always a list for isAnyOf / isNoneOf).</summary>
    private static Gen<RuleValueDto> TextValue(Gen<string> values, bool listOnly)
    {
        var list = from count in Gen.Choose(1, 3) from items in Gen.ArrayOf(values, count) select new RuleValueDto(RuleValueKind.TextList, List: items);
        return listOnly ? list : Gen.Frequency((3, values.Select(v => new RuleValueDto(RuleValueKind.Text, Text: v))), (1, list));
    }

    private static Gen<ConditionDto> NumberCondition =>
        from fieldName in Gen.Elements(NumberFields)
        from op in Gen.Elements(NumberOperators)
        from bound in fieldName == "averagePaymentDelayDays" ? Delay : Amount
        select new ConditionDto(fieldName, op, new RuleValueDto(RuleValueKind.Number, bound));

    private static Gen<ConditionDto> RatingCondition =>
        from op in Gen.Elements(RatingOperators)
        from value in op == "isOneOf"
            ? from count in Gen.Choose(1, 3) from ratings in Gen.ArrayOf(Gen.Elements(RatingNames), count) select new RuleValueDto(RuleValueKind.TextList, List: ratings)
            : Gen.Elements(RatingNames).Select(r => new RuleValueDto(RuleValueKind.Text, Text: r))
        select new ConditionDto("rating", op, value);

    private static Gen<TriggerDto> Trigger => Gen.Frequency(
        (1, Gen.Elements(new TriggerDto("customerCreated"), new TriggerDto("customerCreatedOrUpdated"))),
        (2, from direction in Gen.Elements(Directions)
            from value in Amount
            select new TriggerDto("outstandingAmountThreshold", direction, new RuleValueDto(RuleValueKind.Number, value))),
        (2, from direction in Gen.Elements(Directions)
            from value in Delay
            select new TriggerDto("averagePaymentDelayThreshold", direction, new RuleValueDto(RuleValueKind.Number, value))),
        // Every rating threshold that can fire ("exceeds A" and "falls below D" are refused).
        (2, from threshold in Gen.Elements(("exceeds", "B"), ("exceeds", "C"), ("exceeds", "D"), ("fallsBelow", "A"), ("fallsBelow", "B"), ("fallsBelow", "C"))
            select new TriggerDto("ratingThreshold", threshold.Item1, new RuleValueDto(RuleValueKind.Text, Text: threshold.Item2))));

    private static Gen<RuleDefinitionDto> Rule(int index) =>
        from trigger in Trigger
        from count in Gen.Choose(0, 2)
        from conditions in Gen.ArrayOf(Condition, count)
        select new RuleDefinitionDto($"rule {index}", trigger, conditions, new ActionDto("assignWorkflow") { WorkflowId = "collections" });

    private static T[] Without<T>(IReadOnlyList<T> items, int index) => [.. items.Where((_, i) => i != index)];
}
