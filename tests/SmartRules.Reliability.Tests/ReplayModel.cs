using System.Globalization;
using System.Text;
using System.Text.Json;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Tenants;
using SmartRules.Grains.Rules;
using SmartRules.Server.Apis;
using SmartRules.Server.Json;

namespace SmartRules.Reliability.Tests;

/// <summary>
/// The client's side of the bargain: the rules it created and the updates it got acknowledged, replayed one after the
/// other through SmartRules.Domain — what the cluster must have stored, however it was shaken.
/// </summary>
public sealed class ReplayModel(TenantDirectory directory)
{
    private readonly List<CompiledRule> _rules = [];
    private CompiledRuleSet? _ruleSet;

    /// <summary>Compiles a rule exactly as the server reads it (same JSON options, same mapping), under its stored id.</summary>
    public void AddRule(string json, string id, int version)
    {
        var request = JsonSerializer.Deserialize<RuleRequest>(json, ApiJson.Options)!;
        var compilation = RuleCompiler.Compile(id, version, request.ToDefinition().ToDomain(), directory);
        _rules.Add(compilation.Rule ?? throw new ArgumentException(string.Join("; ", compilation.Problems), nameof(json)));
        _ruleSet = null;
    }

    /// <summary>Every acknowledged update of one customer, in order, applied from nothing.</summary>
    public Replay Run(string customerId, IEnumerable<GeneratedUpdate> acknowledged)
    {
        var rules = _ruleSet ??= new CompiledRuleSet(1, _rules);
        CustomerSnapshot? current = null;
        var replay = new Replay();
        foreach (var update in acknowledged)
        {
            var problems = CustomerUpdateChecks.Check(update.ToDomain(), directory, RatingSource.Provided, out var normalized);
            if (problems.Count > 0) throw new InvalidOperationException($"the generator made an invalid update: {string.Join("; ", problems)}");
            var outcome = CustomerProcessor.Apply(current, customerId, normalized, rules, directory);
            if (outcome.Status == ChangeStatus.RefusedExcluded)
            {
                replay.Refused.Add(update.Sequence);
                continue;
            }

            replay.LastSequence = update.Sequence;
            current = outcome.Customer;
            foreach (var entry in outcome.Audit) replay.Audit[(RuleVocabulary.Name(entry.Kind), entry.RuleId)] = replay.Audit.GetValueOrDefault((RuleVocabulary.Name(entry.Kind), entry.RuleId)) + 1;
            foreach (var notification in outcome.Notifications) replay.Notifications[RuleVocabulary.Name(notification.Channel)] = replay.Notifications.GetValueOrDefault(RuleVocabulary.Name(notification.Channel)) + 1;
        }

        replay.Customer = current;
        return replay;
    }

    /// <summary>A customer in the shape both sides can be compared in: the stored row and the replayed snapshot.</summary>
    public static string Canonical(
        string? name, decimal outstanding, string? rating, decimal? delay, IEnumerable<KeyValuePair<string, string>> customFields,
        IEnumerable<string> users, string? workflow, IEnumerable<string> paymentMethods, bool excluded)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"name={name}; outstanding={outstanding.ToString("0.##", CultureInfo.InvariantCulture)}; rating={rating}; ");
        text.Append(CultureInfo.InvariantCulture, $"delay={delay?.ToString("0.##", CultureInfo.InvariantCulture)}; fields={{{string.Join(", ", customFields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))}}}; ");
        text.Append(CultureInfo.InvariantCulture, $"users=[{string.Join(", ", users.Select(u => u.ToLowerInvariant()).Order(StringComparer.Ordinal))}]; workflow={workflow}; ");
        text.Append(CultureInfo.InvariantCulture, $"payment=[{string.Join(", ", paymentMethods.Order(StringComparer.Ordinal))}]; excluded={excluded}");
        return text.ToString();
    }

    public static string Canonical(CustomerSnapshot c) => Canonical(
        c.Name, c.OutstandingAmount, c.Rating is { } r ? Ratings.Name(r) : null, c.AveragePaymentDelayDays, c.CustomFields, c.AssignedUsers,
        c.Workflow, PaymentMethodNames.ToNames(c.PaymentMethods), c.Excluded);
}

/// <summary>What a sequential replay of one customer's acknowledged updates produced.</summary>
public sealed class Replay
{
    public CustomerSnapshot? Customer { get; set; }

    public long? LastSequence { get; set; }

    /// <summary>Updates the domain refused because the customer was already excluded.</summary>
    public List<long> Refused { get; } = [];

    /// <summary>Audit entries by (kind, rule id).</summary>
    public Dictionary<(string Kind, string? RuleId), int> Audit { get; } = [];

    /// <summary>Notifications queued, by channel.</summary>
    public Dictionary<string, int> Notifications { get; } = new(StringComparer.Ordinal);
}

/// <summary>One generated customer update: the NDJSON line the client sends and the same change for the domain.</summary>
public sealed record GeneratedUpdate(string CustomerId, long Sequence, decimal Outstanding, string? Rating, bool SetsRating, decimal? Delay, IReadOnlyDictionary<string, string?> CustomFields)
{
    public static GeneratedUpdate Next(Random random, string customerId, long sequence, decimal previousOutstanding)
    {
        var outstanding = Math.Clamp(previousOutstanding + (random.Next(-12, 13) * 100), 0, 10_000);
        var setsRating = random.Next(4) == 0;
        string? rating = setsRating ? random.Next(5) switch { 0 => null, 1 => "A", 2 => "B", 3 => "C", _ => "D" } : null;
        decimal? delay = random.Next(3) == 0 ? random.Next(0, 61) : null;
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (random.Next(5) == 0) fields["Segment"] = random.Next(2) == 0 ? "B2B" : "B2C";
        if (random.Next(5) == 0) fields["CSM email"] = random.Next(3) switch { 0 => "ann@acme.test", 1 => "Bob@Acme.test", _ => "" };
        if (random.Next(3000) == 0) fields["Status"] = "closed";
        return new(customerId, sequence, outstanding, rating, setsRating, delay, fields);
    }

    public string ToLine()
    {
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $$"""{"id":"{{CustomerId}}","sequence":{{Sequence}},"outstandingAmount":{{Outstanding}}""");
        if (SetsRating) json.Append(Rating is null ? ""","rating":null""" : $$""","rating":"{{Rating}}" """.TrimEnd());
        if (Delay is { } d) json.Append(CultureInfo.InvariantCulture, $$""","averagePaymentDelayDays":{{d}}""");
        if (CustomFields.Count > 0)
        {
            json.Append(""","customFields":{""");
            json.AppendJoin(',', CustomFields.Select(f => $"{JsonSerializer.Serialize(f.Key)}:{JsonSerializer.Serialize(f.Value)}"));
            json.Append('}');
        }

        return json.Append('}').ToString();
    }

    public CustomerUpdate ToDomain()
    {
        Rating? rating = null;
        if (SetsRating && Rating is not null && Ratings.TryParse(Rating, out var parsed)) rating = parsed;
        return new CustomerUpdate
        {
            OutstandingAmount = Outstanding,
            Rating = SetsRating ? new Optional<Rating?>(rating) : default,
            AveragePaymentDelayDays = Delay is { } d ? new Optional<decimal?>(d) : default,
            CustomFields = CustomFields.Count > 0 ? CustomFields : null,
        };
    }
}
