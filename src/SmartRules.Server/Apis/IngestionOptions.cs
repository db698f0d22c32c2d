namespace SmartRules.Server.Apis;

/// <summary>Configuration section <c>SmartRules:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    /// <summary>A longer line is rejected on its own.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>A larger body is refused with 413: before reading when declared, where it crosses the limit otherwise.</summary>
    public long MaxBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How many lines of one body are applied at once (lines of one customer always one after the other).</summary>
    public int MaxInFlight { get; set; } = 256;
}
