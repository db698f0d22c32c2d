using Npgsql;
using Orleans.Runtime;
using SmartRules.Persistence.Customers;

namespace SmartRules.Server.Hosting;

/// <summary>
/// Names the cause of a failed request from its exception. A PostgreSQL error anywhere in the chain decides by its
/// SQLSTATE class: connection (08), insufficient resources (53) and shutdown (57P01–57P03) are outages; data exceptions
/// (22) and integrity violations (23) are the request's data; every other class is a fault of ours. Without one, an
/// Npgsql exception (no connection, a timeout), an Orleans one that says a silo or the cluster cannot be reached, or a
/// tenant's customer shard that is not configured or not reachable is an outage, and anything else is a fault of ours.
/// </summary>
public static class Failures
{
    // Orleans wraps and grain activation nests; a chain deeper than this is not worth reading further.
    private const int MaxDepth = 16;

    public static FailureKind Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (Find(exception, e => e is PostgresException, 0) is PostgresException postgres) return OfSqlState(SqlStateOf(postgres));
        return Find(exception, IsUnavailable, 0) is null ? FailureKind.Unexpected : FailureKind.Unavailable;
    }

    /// <summary>The class of a SQLSTATE (see PostgreSQL's "Appendix A. Error Codes").</summary>
    public static FailureKind OfSqlState(string? sqlState) => sqlState switch
    {
        ['0', '8', ..] or ['5', '3', ..] or "57P01" or "57P02" or "57P03" => FailureKind.Unavailable,
        ['2', '2' or '3', ..] => FailureKind.RefusedData,
        _ => FailureKind.Unexpected,
    };

    private static bool IsUnavailable(Exception e) =>
        e is NpgsqlException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or CustomerShardUnavailableException;

    /// <summary>
    /// The SQLSTATE of <paramref name="exception"/>. One raised on another silo arrives through Orleans' exception codec,
    /// which restores the message, the inner exception and <see cref="Exception.Data"/> (where Npgsql copies its fields)
    /// but not the exception's own properties.
    /// </summary>
    private static string? SqlStateOf(PostgresException exception) =>
        exception.SqlState is { Length: > 0 } state ? state : exception.Data[nameof(PostgresException.SqlState)] as string;

    private static Exception? Find(Exception exception, Func<Exception, bool> match, int depth)
    {
        if (match(exception)) return exception;
        if (depth >= MaxDepth) return null;
        if (exception is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions)
            {
                if (Find(inner, match, depth + 1) is { } found) return found;
            }

            return null;
        }

        return exception.InnerException is { } next ? Find(next, match, depth + 1) : null;
    }
}
