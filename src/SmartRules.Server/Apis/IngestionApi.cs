using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SmartRules.Contracts;
using SmartRules.Contracts.Customers;
using SmartRules.Server.Auth;
using SmartRules.Server.Hosting;
using SmartRules.Server.Json;

namespace SmartRules.Server.Apis;

/// <summary>
/// High-volume ingestion: NDJSON, one customer update per line, read as the body arrives. Memory stays bounded
/// whatever the body size: a line is parsed and handed to its customer grain while the next ones are read, at most
/// <see cref="IngestionOptions.MaxInFlight"/> at once; lines of one customer apply in line order, each after the
/// previous one. A bad line rejects only itself.
/// </summary>
public static class IngestionApi
{
    public const int MaxListedRejections = 1000;

    public static RouteGroupBuilder MapIngestionApi(this RouteGroupBuilder api)
    {
        api.MapPost("/customer-updates", Ingest).WithName("IngestCustomerUpdates").WithTags("Customers")
            .Accepts<CustomerUpdateLine>("application/x-ndjson")
            .Produces<IngestionResponse>()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Stream customer updates (NDJSON)")
            .WithDescription("""
                One JSON object per line, each like the body of PUT /api/customers/{id} plus "id". Lines of one customer apply
                in line order. → {"accepted":n,"stale":n,"rejected":[{"line":3,"error":"..."}],"rejectedTotal":n}. A line over
                the maximum line size is rejected alone; a body over the maximum answers 413 (before reading when its length is
                declared, else with the results of the lines already applied); if the database fails mid-body the answer is
                503 with Retry-After and the results so far (500 for a failure of ours). Blank lines are ignored.
                """);
        return api;
    }

    public static async Task Ingest(HttpContext context, ClaimsPrincipal user, IGrainFactory grains, IOptions<IngestionOptions> options)
    {
        var limits = options.Value;
        var request = context.Request;
        if (request.ContentType is { } type && !type.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase) &&
            !type.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase))
        {
            await Results.Problem(statusCode: 415, title: "Unsupported media type", detail: "Send application/x-ndjson: one JSON object per line.").ExecuteAsync(context);
            return;
        }

        if (request.ContentLength > limits.MaxBodyBytes)
        {
            await TooLarge(context, limits, null);
            return;
        }

        // The body limit is ours to enforce line by line; Kestrel's own would cut the stream without results.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature) sizeFeature.MaxRequestBodySize = null;

        using var run = new IngestionRun(grains, user.TenantId(), limits.MaxInFlight);
        var lines = new NdjsonLineReader(request.BodyReader, limits.MaxLineBytes, limits.MaxBodyBytes);
        await foreach (var line in lines.ReadAsync(context.RequestAborted))
        {
            if (run.Failed) break; // nothing is applied after a failure that was not about a line's own data
            if (line.Bytes is null) run.Reject(line.Number, $"the line is longer than {limits.MaxLineBytes} bytes");
            else await run.StartAsync(line.Number, line.Bytes);
        }

        var response = await run.FinishAsync();
        if (lines.TooLarge)
        {
            await TooLarge(context, limits, response);
        }
        else if (run.Failure is { } failure)
        {
            // An outage answers 503 with Retry-After, anything else 500; lines from the first failure on were not applied.
            await ErrorResponses.WriteAsync(context, failure, new Dictionary<string, object?> { ["results"] = response });
        }
        else
        {
            await Results.Json(response, ApiJson.Options).ExecuteAsync(context);
        }
    }

    private static Task TooLarge(HttpContext context, IngestionOptions limits, IngestionResponse? resultsSoFar) =>
        Results.Problem(statusCode: 413, title: "Body too large",
            detail: $"A body of customer updates may hold at most {limits.MaxBodyBytes} bytes; split it into several requests." +
                    (resultsSoFar is null ? " Nothing was read." : " The lines before the limit were applied; see 'results'."),
            extensions: resultsSoFar is null ? null : new Dictionary<string, object?> { ["results"] = resultsSoFar }).ExecuteAsync(context);
}
