namespace SmartRules.Server.Hosting;

/// <summary>What a failed request's exception says about the request and the service, and so how it is answered.</summary>
public enum FailureKind
{
    /// <summary>The database or the cluster cannot be reached or is out of resources: 503, retry later.</summary>
    Unavailable,

    /// <summary>PostgreSQL refused the data the request carried (SQLSTATE classes 22 and 23): 400, retrying cannot help.</summary>
    RefusedData,

    /// <summary>Anything else, a fault of ours: 500, logged with the trace id the answer carries.</summary>
    Unexpected,
}
