using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartRules.Contracts;
using SmartRules.Server.Json;

namespace SmartRules.Server.Apis;

/// <summary>Problem details (RFC 9457) as the API answers them, and strict reading of JSON bodies.</summary>
public static class ApiResults
{
    public static ValidationProblem Invalid(IEnumerable<FieldProblem> problems, string? detail = null)
    {
        var errors = problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
        return TypedResults.ValidationProblem(errors,
            detail: detail ?? "Fix the fields listed in 'errors'; nothing was changed.",
            title: "Invalid input");
    }

    public static ValidationProblem Invalid(string path, string message) => Invalid([new FieldProblem(path, message)]);

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(statusCode: 404, title: "Not found", detail: detail);

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(statusCode: 409, title: "Conflict", detail: detail);

    /// <summary>Reads a body of type <typeparamref name="T"/>, refusing malformed JSON, wrong types and unknown fields.</summary>
    public static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options, request.HttpContext.RequestAborted);
            return value is null ? (null, Invalid("", "the body must be a JSON object, not null")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Invalid(ApiJson.FieldPath(e.Path), Explain(e)));
        }
        catch (InvalidOperationException e) when (e.Source == "System.Text.Json")
        {
            return (null, Invalid("", "the body holds text that is not valid Unicode (a lone surrogate escape)"));
        }
    }

    /// <summary>Reads any JSON document, refusing malformed JSON.</summary>
    public static async Task<(JsonDocument? Document, ValidationProblem? Problem)> ReadDocumentAsync(HttpRequest request)
    {
        try
        {
            return (await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted), null);
        }
        catch (JsonException e)
        {
            return (null, Invalid("", Explain(e)));
        }
    }

    public static string Explain(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal)) return "unknown field";
        if (message.Contains("could not be converted to", StringComparison.Ordinal)) return "has the wrong type for this field";
        return e.LineNumber is { } line ? $"malformed JSON at line {line + 1}, position {e.BytePositionInLine + 1}: {message}" : "malformed JSON: " + message;
    }
}
