using System.Diagnostics;

namespace SmartRules.Server.Hosting;

/// <summary>
/// How a request that failed with an exception is answered, by <see cref="Failures.Classify"/>: an outage is a 503 with
/// Retry-After, data the database refused is a 400, anything else a 500. Every answer is problem details carrying the
/// trace id, and never the database's own message. Only an outage may ask the client to retry: a 503 for a bad request
/// made clients retry it forever.
/// </summary>
public static partial class ErrorResponses
{
    public const string RetryAfterSeconds = "5";

    /// <summary>The exception handler of the API (UseExceptionHandler), which logs nothing itself: this does.</summary>
    public static Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var error = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
        return error is null
            ? Results.Problem(statusCode: 500, title: "Unexpected error", detail: "The request failed on our side.").ExecuteAsync(context)
            : WriteAsync(context, error);
    }

    /// <summary>Answers <paramref name="exception"/> and logs it; <paramref name="extensions"/> go into the problem details.</summary>
    public static Task WriteAsync(HttpContext context, Exception exception, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        var traceId = TraceId(context);
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorResponses));
        var details = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["traceId"] = traceId };
        switch (Failures.Classify(exception))
        {
            case FailureKind.Unavailable:
                LogUnavailable(logger, context.Request.Method, context.Request.Path, traceId, exception.Message);
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                return Results.Problem(statusCode: 503, title: "Service unavailable", extensions: details,
                    detail: "The database or the cluster cannot be reached; nothing was changed. Retry after the Retry-After delay.").ExecuteAsync(context);
            case FailureKind.RefusedData:
                LogRefused(logger, exception, context.Request.Method, context.Request.Path, traceId);
                return Results.Problem(statusCode: 400, title: "Invalid input", extensions: details,
                    detail: "The database refused the data of this request (for example a text it cannot store); nothing was changed. Change the request's values before sending it again.").ExecuteAsync(context);
            default:
                LogUnexpected(logger, exception, context.Request.Method, context.Request.Path, traceId);
                return Results.Problem(statusCode: 500, title: "Unexpected error", extensions: details,
                    detail: $"The request failed on our side; nothing can be said about what changed. Retrying with the same 'sequence' is safe. Quote trace id {traceId} when reporting it.").ExecuteAsync(context);
        }
    }

    /// <summary>The id ASP.NET Core's problem details and traces use for this request.</summary>
    public static string TraceId(HttpContext context) => Activity.Current?.Id ?? context.TraceIdentifier;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database or the cluster cannot be reached (trace id {TraceId}): {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, string traceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 400: the database refused the request's data, which validation should have refused first (trace id {TraceId})")]
    private static partial void LogRefused(ILogger logger, Exception exception, string method, PathString path, string traceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} answered 500: unexpected failure (trace id {TraceId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, PathString path, string traceId);
}
