using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Contracts;
using SmartRules.Contracts.Advisor;
using SmartRules.Contracts.Customers;
using SmartRules.Server.Auth;
using SmartRules.Server.Json;

namespace SmartRules.Server.Apis.Advisor;

/// <summary>
/// POST /api/explain: what an update would do to a customer and why, rule by rule, through the code of a real update
/// (the customer grain's <see cref="ICustomerGrain.ExplainAsync"/>), writing nothing.
/// </summary>
public static class ExplainApi
{
    private const string Example = """
        {"customerId":"c1","update":{"outstandingAmount":6000},
         "rule":{"name":"Big B2B balances","trigger":{"type":"outstandingAmountThreshold","direction":"exceeds","value":5000},
                 "conditions":[{"field":"customFields.Segment","operator":"contains","value":"B2B"}],
                 "action":{"type":"assignWorkflow","workflowId":"collections"}},"position":0}
        """;

    public static RouteGroupBuilder MapExplainApi(this RouteGroupBuilder api)
    {
        api.MapPost("/explain", Explain).WithName("Explain").WithTags("Advisor").Accepts<ExplainRequest>("application/json")
            .Produces<ExplainResponse>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Explain what an update would do, rule by rule, without writing anything")
            .WithDescription("Runs the tenant's active rules, plus an optional draft rule, on the customer's current state (a new customer if it does not exist) with the update, exactly as a real update would (rounds, first rule wins, cascades). Writes nothing. An excluded customer answers 409. Example: " + Example);
        return api;
    }

    public static async Task<Results<Ok<ExplainResponse>, ValidationProblem, ProblemHttpResult>> Explain(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (document, problem) = await ApiResults.ReadDocumentAsync(request);
        if (problem is not null) return problem;
        using (document)
        {
            var problems = new List<FieldProblem>();
            var (customerId, command) = Read(document!.RootElement, problems);
            if (problems.Count > 0 || customerId is null || command is null) return ApiResults.Invalid(problems);
            var result = await grains.GetCustomer(user.TenantId(), customerId).ExplainAsync(command);
            return result.Status switch
            {
                ExplainStatus.Invalid => ApiResults.Invalid(result.Problems),
                ExplainStatus.Excluded => ApiResults.Conflict($"Customer '{customerId}' is excluded from the product: a real update would be refused, so no rule runs."),
                _ => TypedResults.Ok(From(result)),
            };
        }
    }

    private static (string? CustomerId, ExplainCommand? Command) Read(JsonElement body, List<FieldProblem> problems)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("", $"the body must be a JSON object (got {CustomerBodyReader.Describe(body)})"));
            return (null, null);
        }

        string? customerId = null;
        CustomerUpdateCommand update = new();
        RuleRequest? rule = null;
        int? position = null;
        string? replaces = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (CustomerBodyReader.NameOf(property))
            {
                case "customerId":
                    if (value.ValueKind != JsonValueKind.String || CustomerBodyReader.TextOf(value) is not { } id) problems.Add(new("customerId", $"must be a text (got {CustomerBodyReader.Describe(value)})"));
                    else if (CustomerBodyReader.IdProblem(id) is { } idProblem) problems.Add(new("customerId", idProblem));
                    else customerId = id;
                    break;
                case "update":
                    if (value.ValueKind == JsonValueKind.Null) break;
                    var updateProblems = new List<FieldProblem>();
                    var (read, _) = CustomerBodyReader.Read(value, withId: false, updateProblems);
                    problems.AddRange(updateProblems.Select(p => p with { Path = p.Path.Length == 0 ? "update" : "update." + p.Path }));
                    if (read is not null) update = read with { Sequence = null };
                    break;
                case "rule":
                    if (value.ValueKind == JsonValueKind.Null) break;
                    try
                    {
                        rule = value.Deserialize<RuleRequest>(ApiJson.Options);
                        if (rule?.Active is not null) problems.Add(new("rule.active", "is not part of a draft: a draft is evaluated as an active rule"));
                    }
                    catch (JsonException e)
                    {
                        var path = ApiJson.FieldPath(e.Path);
                        problems.Add(new(path.Length == 0 ? "rule" : "rule." + path, ApiResults.Explain(e)));
                    }

                    break;
                case "position":
                    if (value.ValueKind == JsonValueKind.Null) break;
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var index)) problems.Add(new("position", "must be a whole number"));
                    else position = index;
                    break;
                case "replaces":
                    if (value.ValueKind == JsonValueKind.Null) break;
                    if (value.ValueKind != JsonValueKind.String) problems.Add(new("replaces", "must be a rule id"));
                    else replaces = value.GetString();
                    break;
                case var name:
                    problems.Add(new(name ?? "", "unknown field"));
                    break;
            }
        }

        if (customerId is null && !problems.Exists(p => p.Path == "customerId")) problems.Add(new("customerId", "is required"));
        return (customerId, new ExplainCommand(update, rule?.ToDefinition(), position, replaces));
    }

    private static ExplainResponse From(ExplainResult result) => new(
        CustomerResponse.From(result.Customer!, result.FiredRules),
        result.Changed,
        [.. result.Rules.Select(r => new RuleExplanationResponse(
            r.RuleId,
            r.RuleVersion,
            r.Name,
            r.Round,
            r.Outcome,
            new TriggerExplanationResponse(r.Trigger.Type, r.Trigger.Fired, JsonNode.Parse(r.Trigger.BeforeJson), JsonNode.Parse(r.Trigger.AfterJson), r.Trigger.Reason),
            [.. r.Conditions.Select(c => new ConditionExplanationResponse(c.Field, c.Operator, JsonNode.Parse(c.ValueJson), JsonNode.Parse(c.ActualJson), c.Passed, c.Hint))],
            r.EffectBeforeJson is null ? null : new EffectResponse(JsonNode.Parse(r.EffectBeforeJson)!.AsObject(), JsonNode.Parse(r.EffectAfterJson!)!.AsObject()),
            r.Note))]);
}
