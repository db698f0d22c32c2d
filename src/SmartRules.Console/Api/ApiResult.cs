namespace SmartRules.Console.Api;

/// <summary>What an API call gave: its value, or the problem it answered.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem, int Status)
{
    public bool Ok => Problem is null;
}
