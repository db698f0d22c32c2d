using System.Diagnostics;

namespace SmartRules.Persistence;

/// <summary>
/// Spans of the customer store. Group commit serves many requests with one statement, so a request's trace cannot
/// hold the statement's own span: each grain's read or write gets a client span in the caller's trace (its duration is
/// the wait for the batch), and each batch gets a span — the parent of its Npgsql span — linked to those callers.
/// </summary>
public static class StoreTelemetry
{
    public const string SourceName = "SmartRules.Store";

    public static readonly ActivitySource Source = new(SourceName, "1.0");

    public static Activity? StartCustomerCall(string operation, string tenantId)
    {
        // Every customer read and write calls this: without a listener, not even the span's name is made.
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity("customers " + operation, ActivityKind.Client);
        activity?.SetTag("db.system.name", "postgresql");
        activity?.SetTag("db.collection.name", "customers");
        activity?.SetTag("db.operation.name", operation);
        activity?.SetTag("smartrules.tenant", tenantId);
        return activity;
    }
}
