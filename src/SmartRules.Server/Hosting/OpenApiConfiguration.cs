using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SmartRules.Server.Auth;

namespace SmartRules.Server.Hosting;

/// <summary>
/// The OpenAPI document (/openapi/v1.json) as generated clients need it. Endpoints describe themselves (name, summary,
/// answers); this adds what no single endpoint knows: who may call what (Bearer schemes, taken from each endpoint's
/// authorization policy), which properties an answer always carries, and problem details that carry extensions. The
/// document passes Redocly's recommended rules, and a checked-in copy generates the test client (docs/api.md).
/// </summary>
public static class OpenApiConfiguration
{
    public const string TenantScheme = "tenantKey";
    public const string AdminScheme = "adminKey";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Admin"] = "Tenants, their API keys, and this silo's activity. Calls carry the admin key.",
        ["Directory"] = "The users, workflows and settings of a tenant that its rules refer to.",
        ["Customers"] = "Create or update customers one at a time or as a stream, read, list, count, and audit them. Every update runs the tenant's active rules.",
        ["Rules"] = "Rules (a trigger, conditions, one action) in rule-set order: the first matching rule wins a conflict.",
        ["Notifications"] = "What sendNotification actions sent or are sending.",
        ["Backfills"] = "Active rules or a bulk action run over existing customers, in the background.",
        ["Advisor"] = "Explain why rules fire or not for an update, simulate a rule on existing customers, and warn about rule pitfalls. Nothing here writes anything.",
    };

    public static IServiceCollection AddSmartRulesOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer(DescribeDocumentAsync);
            options.AddOperationTransformer(DeclareSecurityAsync);
            options.AddSchemaTransformer(DescribeSchemaAsync);
        });

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "SmartRules API";
        document.Info.Description = "Customer smart rules for accounts receivable: tenants stream customer changes; rules (trigger > conditions > one action) run on every change. Every /api call carries `Authorization: Bearer <tenant API key>`, every /admin call the admin key the same way; errors are RFC 9457 problem details.";
        // Relative, so the document is the same wherever it is served (the checked-in copy stays comparable); the
        // reference page and clients resolve it against the address they loaded the document from.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The server that serves this document" }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            [TenantScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A tenant's API key, as made by POST /admin/tenants or POST /admin/tenants/{id}/keys. A call sees only that tenant's data.",
            },
            [AdminScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The admin key (configuration SmartRules:AdminKey).",
            },
        };
        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description)) tag.Description = description;
        }

        return Task.CompletedTask;
    }

    /// <summary>The Bearer scheme of the policy an endpoint requires; its 401 answer is declared by its group.</summary>
    private static Task DeclareSecurityAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var policies = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToHashSet();
        var scheme = policies.Contains(AuthSchemes.Admin) ? AdminScheme : policies.Contains(AuthSchemes.Tenant) ? TenantScheme : null;
        if (scheme is not null)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
        }

        // The group's 401 came first; a reader expects the answers by status.
        if (operation.Responses is { Count: > 1 } responses)
        {
            var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            responses.Clear();
            foreach (var (status, response) in sorted) responses.Add(status, response);
        }

        return Task.CompletedTask;
    }

    private static Task DescribeSchemaAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo;
        if (type.Kind == JsonTypeInfoKind.Dictionary && schema.AdditionalProperties is OpenApiSchema { Type: { } valueType } values &&
            context.JsonPropertyInfo?.AttributeProvider is PropertyInfo member &&
            new NullabilityInfoContext().Create(member).GenericTypeArguments is [_, { ReadState: NullabilityState.Nullable }])
        {
            // The generator does not read nullable generic arguments: customFields' values may be null (a null clears one).
            values.Type = valueType | JsonSchemaType.Null;
        }
        else if (typeof(ProblemDetails).IsAssignableFrom(type.Type))
        {
            // RFC 9457 lets a problem carry extensions; ours carry the trace id (and 413 of an ingestion, its results).
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = null;
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
            schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's W3C traceparent (`00-<trace id>-<span id>-<flags>`), to find it in logs and traces." };
        }
        else if (type.Kind == JsonTypeInfoKind.Object && schema.Required is { Count: > 0 } required)
        {
            // The generator requires every constructor parameter; the API leaves out a null unless the property says
            // [JsonIgnore(Condition = Never)] (ApiJson), so only properties that are always written stay required.
            foreach (var property in type.Properties)
            {
                if (MayBeLeftOut(property, type.Options.DefaultIgnoreCondition)) required.Remove(property.Name);
            }
        }

        return Task.CompletedTask;
    }

    private static bool MayBeLeftOut(JsonPropertyInfo property, JsonIgnoreCondition defaultCondition)
    {
        var condition = property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
            .OfType<JsonIgnoreAttribute>().FirstOrDefault()?.Condition ?? defaultCondition;
        return condition switch
        {
            JsonIgnoreCondition.WhenWritingNull => property.IsGetNullable,
            JsonIgnoreCondition.WhenWritingDefault or JsonIgnoreCondition.WhenWriting or JsonIgnoreCondition.Always => true,
            _ => false,
        };
    }
}
