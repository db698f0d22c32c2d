using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SmartRules.Grains.Customers;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Conditions;
using SmartRules.Grains.Rules;
using SmartRules.Grains.Tenants;
using SmartRules.Persistence.Audit;
using SmartRules.Persistence.Customers;
using SmartRules.Server.Auth;
using SmartRules.Server.Json;

namespace SmartRules.Server.Apis;

/// <summary>Customers: create or update one (the grain does the work), read, list, count, audit.</summary>
public static class CustomersApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int SampleSize = 10;

    public static RouteGroupBuilder MapCustomersApi(this RouteGroupBuilder api)
    {
        api.MapPut("/customers/{id}", PutCustomer).WithName("PutCustomer").WithTags("Customers").WithCustomerId()
            .Accepts<CustomerUpdateBody>("application/json")
            .Produces<CustomerResponse>(200).Produces<CustomerResponse>(201).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Create or update a customer")
            .WithDescription("""
                Merge semantics: absent properties keep their value; null clears rating, averagePaymentDelayDays, workflow,
                name or a custom field (amounts cannot be null). workflow, assignedUsers and paymentMethods replace the
                current value. sequence (optional, increasing per customer) makes retries safe: a sequence not above the last
                applied one answers 200 with "stale": true and changes nothing. 201 on create, 200 on update; the body is the
                customer after its rules ran, with firedRules. An excluded customer answers 409.
                Example: {"name":"Acme","outstandingAmount":7000,"rating":"B","customFields":{"Segment":"B2B"},"sequence":17}
                """);
        api.MapGet("/customers/{id}", GetCustomer).WithName("GetCustomer").WithTags("Customers").WithCustomerId()
            .Produces<CustomerResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Get a customer");
        api.MapGet("/customers", ListCustomers).WithName("ListCustomers").WithTags("Customers").Produces<CustomerPage>()
            .AddOpenApiOperationTransformer(DescribeListParameters)
            .WithSummary("List customers")
            .WithDescription("""Keyset-paged by id. filter: URL-encoded JSON array of conditions, e.g. [{"field":"customFields.Segment","operator":"contains","value":"B2B"}]; limit ≤ 1000 (default 100); after: the 'next' cursor of the previous page. Excluded customers are listed.""");
        api.MapPost("/customers/search", SearchCustomers).WithName("SearchCustomers").WithTags("Customers").Accepts<SearchRequest>("application/json").Produces<CustomerPage>()
            .WithSummary("List customers with a filter in the body").WithDescription("""{"conditions":[...],"limit":100,"after":"<cursor>"}: the same as GET /api/customers for filters too long for a URL.""");
        api.MapPost("/customers/count", CountCustomers).WithName("CountCustomers").WithTags("Customers").Accepts<CountRequest>("application/json").Produces<CountResponse>()
            .WithSummary("Count customers matching a filter, with a sample").WithDescription("""{"conditions":[...]} → {"count":n,"sample":["c1","c2"]}: the preview before a bulk action.""");
        api.MapGet("/customers/{id}/audit", GetAudit).WithName("GetCustomerAudit").WithTags("Customers").WithCustomerId()
            .Produces<AuditResponse[]>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A customer's audit trail, oldest first")
            .WithDescription("Each entry: at, kind (update|ruleFired|ruleSkipped|excluded), ruleId, ruleVersion, trigger, before/after (only the fields that changed), note.");
        return api;
    }

    /// <summary>
    /// Declares the {id} path parameter in the OpenAPI document: the handlers read it from the raw path themselves
    /// (<see cref="CustomerIdFromPath"/>), so the generator does not see it.
    /// </summary>
    private static RouteHandlerBuilder WithCustomerId(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Insert(0, new OpenApiParameter
            {
                Name = "id",
                In = ParameterLocation.Path,
                Required = true,
                Description = $"The customer's id: 1–{CustomerBodyReader.MaxIdLength} characters, no control characters; escaped in the path, '/' as %2F.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = CustomerBodyReader.MaxIdLength },
            });
            return Task.CompletedTask;
        });

    /// <summary>The list's query parameters are bound as text, so that a bad one is answered in our words; they are not.</summary>
    private static Task DescribeListParameters(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            switch (parameter.Name)
            {
                case "filter":
                    parameter.Description = """A JSON array of conditions, URL-encoded: [{"field":"customFields.Segment","operator":"contains","value":"B2B"}].""";
                    break;
                case "limit":
                    parameter.Description = $"Customers per page, 1 to {MaxPageSize}; {DefaultPageSize} when absent.";
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                    break;
                case "after":
                    parameter.Description = "The 'next' cursor of the previous page.";
                    break;
            }
        }

        return Task.CompletedTask;
    }

    public static async Task<Results<Created<CustomerResponse>, Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> PutCustomer(
        HttpContext context, ClaimsPrincipal user, IGrainFactory grains)
    {
        var id = CustomerIdFromPath(context);
        if (CustomerBodyReader.IdProblem(id) is { } idProblem) return ApiResults.Invalid("id", idProblem);
        var (document, problem) = await ApiResults.ReadDocumentAsync(context.Request);
        if (problem is not null) return problem;
        using (document)
        {
            var problems = new List<FieldProblem>();
            var (update, _) = CustomerBodyReader.Read(document!.RootElement, withId: false, problems);
            if (update is null) return ApiResults.Invalid(problems);
            var result = await grains.GetCustomer(user.TenantId(), id).ApplyAsync(update);
            return Answer(result, id);
        }
    }

    internal static Results<Created<CustomerResponse>, Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult> Answer(CustomerUpdateResult result, string id) =>
        result.Status switch
        {
            CustomerUpdateStatus.Invalid => ApiResults.Invalid(result.Problems),
            CustomerUpdateStatus.Excluded => ApiResults.Conflict($"Customer '{id}' is excluded from the product: it takes no more updates and cannot be re-imported."),
            CustomerUpdateStatus.Created => TypedResults.Created($"/api/customers/{Uri.EscapeDataString(id)}", CustomerResponse.From(result.Customer!, result.FiredRules)),
            CustomerUpdateStatus.Stale => TypedResults.Ok(CustomerResponse.From(result.Customer!, result.FiredRules, stale: true)),
            _ => TypedResults.Ok(CustomerResponse.From(result.Customer!, result.FiredRules)),
        };

    public static async Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> GetCustomer(HttpContext context, ClaimsPrincipal user, IGrainFactory grains)
    {
        var id = CustomerIdFromPath(context);
        if (CustomerBodyReader.IdProblem(id) is { } idProblem) return ApiResults.Invalid("id", idProblem);
        var customer = await grains.GetCustomer(user.TenantId(), id).GetAsync();
        return customer is null ? ApiResults.NotFound($"There is no customer '{id}'.") : TypedResults.Ok(CustomerResponse.From(customer));
    }

    public static async Task<Results<Ok<CustomerPage>, ValidationProblem>> ListCustomers(
        string? filter, string? limit, string? after, ClaimsPrincipal user, TenantRuntimeCache tenants, CustomerQueries queries, CancellationToken cancellationToken)
    {
        IReadOnlyList<ConditionDto>? conditions = null;
        if (!string.IsNullOrEmpty(filter))
        {
            try
            {
                conditions = JsonSerializer.Deserialize<ConditionDto[]>(filter, ApiJson.Options);
            }
            catch (JsonException e)
            {
                return ApiResults.Invalid("filter" + (ApiJson.FieldPath(e.Path) is { Length: > 0 } p ? "." + p : ""), ApiResults.Explain(e));
            }
            catch (InvalidOperationException e) when (e.Source == "System.Text.Json")
            {
                return ApiResults.Invalid("filter", "holds text that is not valid Unicode");
            }
        }

        int? size = null;
        if (limit is not null)
        {
            if (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)) return ApiResults.Invalid("limit", $"must be a whole number from 1 to {MaxPageSize}");
            size = parsed;
        }

        return await PageAsync(user.TenantId(), conditions, size, after, tenants, queries, cancellationToken);
    }

    public static async Task<Results<Ok<CustomerPage>, ValidationProblem>> SearchCustomers(
        HttpRequest request, ClaimsPrincipal user, TenantRuntimeCache tenants, CustomerQueries queries, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiResults.ReadAsync<SearchRequest>(request);
        if (problem is not null) return problem;
        return await PageAsync(user.TenantId(), body!.Conditions, body.Limit, body.After, tenants, queries, cancellationToken);
    }

    public static async Task<Results<Ok<CountResponse>, ValidationProblem>> CountCustomers(
        HttpRequest request, ClaimsPrincipal user, TenantRuntimeCache tenants, CustomerQueries queries, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiResults.ReadAsync<CountRequest>(request);
        if (problem is not null) return problem;
        var (conditions, problems) = await CompileAsync(user.TenantId(), body!.Conditions, tenants);
        if (conditions is null) return ApiResults.Invalid(problems);
        var (count, sample) = await queries.CountAsync(user.TenantId(), conditions, SampleSize, cancellationToken);
        return TypedResults.Ok(new CountResponse(count, sample));
    }

    public static async Task<Results<Ok<AuditResponse[]>, ValidationProblem, ProblemHttpResult>> GetAudit(
        HttpContext context, ClaimsPrincipal user, IGrainFactory grains, AuditStore audit, CancellationToken cancellationToken)
    {
        var id = CustomerIdFromPath(context);
        if (CustomerBodyReader.IdProblem(id) is { } idProblem) return ApiResults.Invalid("id", idProblem);
        if (await grains.GetCustomer(user.TenantId(), id).GetAsync() is null)
        {
            return ApiResults.NotFound($"There is no customer '{id}'.");
        }

        var entries = await audit.ListAsync(user.TenantId(), id, 0, 10_000, cancellationToken);
        return TypedResults.Ok(entries.Select(e => new AuditResponse(e.At, e.Kind, e.RuleId, e.RuleVersion, e.Trigger, JsonNode.Parse(e.BeforeJson), JsonNode.Parse(e.AfterJson), e.Note)).ToArray());
    }

    /// <summary>
    /// The customer id of a /api/customers/{id}… path, decoded from the raw request target: routing leaves "%2F" encoded,
    /// and customer ids may contain '/'.
    /// </summary>
    internal static string CustomerIdFromPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || !raw.StartsWith('/'))
        {
            // No raw target (an in-memory test server): the route value has everything decoded but "%2F".
            return ((string)context.GetRouteValue("id")!).Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var segments = (query >= 0 ? raw[..query] : raw).Split('/');
        var index = Array.IndexOf(segments, "customers");
        return index >= 0 && index + 1 < segments.Length ? Uri.UnescapeDataString(segments[index + 1]) : (string)context.GetRouteValue("id")!;
    }

    private static async Task<Results<Ok<CustomerPage>, ValidationProblem>> PageAsync(
        string tenantId, IReadOnlyList<ConditionDto>? definitions, int? limit, string? after, TenantRuntimeCache tenants, CustomerQueries queries, CancellationToken cancellationToken)
    {
        var problems = new List<FieldProblem>();
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize) problems.Add(new("limit", $"must be from 1 to {MaxPageSize} (got {size})"));
        string? afterId = null;
        if (after is not null && (afterId = PageCursor.Decode(after)) is null) problems.Add(new("after", PageCursor.Problem));
        var (conditions, conditionProblems) = await CompileAsync(tenantId, definitions, tenants);
        problems.AddRange(conditionProblems);
        if (problems.Count > 0 || conditions is null) return ApiResults.Invalid(problems);

        var (items, lastId, more) = await queries.ListAsync(tenantId, conditions, afterId, size, cancellationToken);
        return TypedResults.Ok(new CustomerPage([.. items.Select(c => CustomerResponse.From(c.Customer.ToView(c.Version)))], more ? PageCursor.Encode(lastId!) : null));
    }

    private static async Task<(IReadOnlyList<Condition>? Conditions, IReadOnlyList<FieldProblem> Problems)> CompileAsync(
        string tenantId, IReadOnlyList<ConditionDto>? definitions, TenantRuntimeCache tenants)
    {
        return definitions.Compile((await tenants.GetAsync(tenantId)).Directory);
    }
}
