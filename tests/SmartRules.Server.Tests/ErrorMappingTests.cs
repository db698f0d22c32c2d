using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using SmartRules.Persistence.Customers;
using SmartRules.Server.Hosting;

namespace SmartRules.Server.Tests;

/// <summary>
/// What an exception that escapes an endpoint is answered: an outage (connection, resources, shutdown) is a 503 with
/// Retry-After; data PostgreSQL refuses (SQLSTATE classes 22 and 23) is a 400; anything else is a 500 carrying the trace
/// id it is logged with. Before, every Npgsql exception was a 503, so a client retried a bad request forever.
/// </summary>
public sealed class ErrorMappingTests
{
    private static PostgresException Postgres(string sqlState) => new("message text", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("08000", FailureKind.Unavailable)] // connection_exception
    [InlineData("08001", FailureKind.Unavailable)]
    [InlineData("08003", FailureKind.Unavailable)]
    [InlineData("08006", FailureKind.Unavailable)] // connection_failure
    [InlineData("53000", FailureKind.Unavailable)] // insufficient_resources
    [InlineData("53100", FailureKind.Unavailable)] // disk_full
    [InlineData("53200", FailureKind.Unavailable)] // out_of_memory
    [InlineData("53300", FailureKind.Unavailable)] // too_many_connections
    [InlineData("57P01", FailureKind.Unavailable)] // admin_shutdown
    [InlineData("57P02", FailureKind.Unavailable)] // crash_shutdown
    [InlineData("57P03", FailureKind.Unavailable)] // cannot_connect_now
    [InlineData("22021", FailureKind.RefusedData)] // character_not_in_repertoire: a NUL in text
    [InlineData("22P05", FailureKind.RefusedData)] // untranslatable_character: \u0000 in jsonb
    [InlineData("22003", FailureKind.RefusedData)] // numeric_value_out_of_range
    [InlineData("22001", FailureKind.RefusedData)] // string_data_right_truncation
    [InlineData("23505", FailureKind.RefusedData)] // unique_violation
    [InlineData("23514", FailureKind.RefusedData)] // check_violation
    [InlineData("42P01", FailureKind.Unexpected)] // undefined_table: our bug, not the client's
    [InlineData("42883", FailureKind.Unexpected)] // undefined_function
    [InlineData("40001", FailureKind.Unexpected)] // serialization_failure
    [InlineData("40P01", FailureKind.Unexpected)] // deadlock_detected
    [InlineData("57014", FailureKind.Unexpected)] // query_canceled
    [InlineData("57P04", FailureKind.Unexpected)] // database_dropped
    [InlineData("28P01", FailureKind.Unexpected)] // invalid_password: configuration
    [InlineData("25P02", FailureKind.Unexpected)] // in_failed_sql_transaction
    [InlineData("XX000", FailureKind.Unexpected)] // internal_error
    public void PostgreSQL_errors_are_classified_by_SQLSTATE(string sqlState, FailureKind expected)
    {
        Assert.Equal(expected, Failures.Classify(Postgres(sqlState)));
    }

    public static TheoryData<Exception, FailureKind> Exceptions() => new()
    {
        { new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)), FailureKind.Unavailable },
        { new NpgsqlException("Exception while reading from stream", new TimeoutException()), FailureKind.Unavailable },
        { new NpgsqlException("The connection pool has been exhausted"), FailureKind.Unavailable },
        { new TimeoutException("Response did not arrive on time"), FailureKind.Unavailable },
        { new SiloUnavailableException(), FailureKind.Unavailable },
        // A tenant whose customer shard is not configured here or cannot be prepared: an outage of that tenant's data.
        { new CustomerShardUnavailableException("The customer shard 'Shard2' cannot be reached."), FailureKind.Unavailable },
        { new OrleansException("Error activating grain", new CustomerShardUnavailableException("not configured")), FailureKind.Unavailable },
        // Its constructors are internal; Orleans' own exception codec makes them this way too.
        { (Exception)RuntimeHelpers.GetUninitializedObject(typeof(OrleansMessageRejectionException)), FailureKind.Unavailable },
        // Wrapped, as grain activation and Orleans forward them: the innermost cause decides.
        { new OrleansException("Error activating grain", Postgres("22021")), FailureKind.RefusedData },
        { new InvalidOperationException("storage read failed", Postgres("57P03")), FailureKind.Unavailable },
        { new AggregateException(new InvalidOperationException("x"), Postgres("08006")), FailureKind.Unavailable },
        { new NpgsqlException("wrapper", Postgres("23505")), FailureKind.RefusedData },
        // A PostgreSQL error is named by its SQLSTATE even when an Orleans wrapper says "timeout".
        { new TimeoutException("wrapped", Postgres("42P01")), FailureKind.Unexpected },
        { new InvalidOperationException("a bug"), FailureKind.Unexpected },
        { new KeyNotFoundException(), FailureKind.Unexpected },
        { new ArgumentException("bad argument"), FailureKind.Unexpected },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Other_exceptions_are_classified_by_what_they_say_about_the_service(Exception exception, FailureKind expected)
    {
        Assert.Equal(expected, Failures.Classify(exception));
    }

    /// <summary>
    /// A database error raised in a grain on another silo arrives through Orleans' exception codec, which keeps the message,
    /// the inner exception and <see cref="Exception.Data"/> but not PostgresException's own properties: its SQLSTATE must
    /// still decide.
    /// </summary>
    [Theory]
    [InlineData("22021", FailureKind.RefusedData)]
    [InlineData("57P01", FailureKind.Unavailable)]
    [InlineData("42P01", FailureKind.Unexpected)]
    public void A_PostgreSQL_error_that_crossed_silos_keeps_its_class(string sqlState, FailureKind expected)
    {
        using var services = new ServiceCollection()
            .AddSerializer()
            .Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Npgsql"))
            .BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        var received = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(Postgres(sqlState)));

        Assert.IsType<PostgresException>(received);
        Assert.Equal(expected, Failures.Classify(received));
    }

    /// <summary>
    /// A tenant's shard found unreachable in a grain on another silo: the silo's serializer is told about
    /// SmartRules.Persistence (SiloConfiguration), so the exception arrives as itself and is answered 503, not 500.
    /// </summary>
    [Fact]
    public void A_shard_outage_that_crossed_silos_is_still_an_outage()
    {
        using var services = new ServiceCollection()
            .AddSerializer()
            .Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("SmartRules.Persistence"))
            .BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        var received = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(new CustomerShardUnavailableException("The customer shard 'Shard2' cannot be reached.")));

        Assert.IsType<CustomerShardUnavailableException>(received);
        Assert.Equal(FailureKind.Unavailable, Failures.Classify(received));
    }

    [Fact]
    public async Task An_outage_answers_503_with_Retry_After()
    {
        var (context, body, logs) = await AnswerAsync(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Contains("Retry-After", body["detail"].Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(logs, l => l.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Data_the_database_refuses_answers_400_without_its_internals()
    {
        var (context, body, logs) = await AnswerAsync(new PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", "22021"));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.DoesNotContain("UTF8", body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("22021", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("refused", body["detail"].Text(), StringComparison.Ordinal);
        // Validation should have caught it first: logged so that the gap gets closed, but not as an error of ours.
        var log = Assert.Single(logs);
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Contains(body["traceId"].Text(), log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anything_else_answers_500_with_the_trace_id_it_is_logged_with()
    {
        var (context, body, logs) = await AnswerAsync(new PostgresException("relation \"customers\" does not exist", "ERROR", "ERROR", "42P01"));

        Assert.Equal(500, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.DoesNotContain("customers", body.ToJsonString(), StringComparison.Ordinal);
        var traceId = body["traceId"].Text();
        Assert.False(string.IsNullOrEmpty(traceId));
        var log = Assert.Single(logs);
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.Contains(traceId, log.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(log.Exception);
    }

    private static async Task<(HttpContext Context, JsonNode Body, IReadOnlyList<CapturedLog> Logs)> AnswerAsync(Exception exception)
    {
        var logs = new LogCapture();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs))
            .AddProblemDetails()
            .BuildServiceProvider();
        await using (services)
        {
            var context = new DefaultHttpContext { RequestServices = services };
            context.Request.Method = "GET";
            context.Request.Path = "/api/customers";
            using var body = new MemoryStream();
            context.Response.Body = body;

            await ErrorResponses.WriteAsync(context, exception);

            return (context, JsonNode.Parse(body.ToArray())!, [.. logs.Entries.Where(l => l.Level >= LogLevel.Warning)]);
        }
    }

    private sealed record CapturedLog(LogLevel Level, string Message, Exception? Exception);

    private sealed class LogCapture : ILoggerProvider
    {
        private readonly List<CapturedLog> _entries = [];

        public IReadOnlyList<CapturedLog> Entries
        {
            get
            {
                lock (_entries) return [.. _entries];
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (capture._entries) capture._entries.Add(new(logLevel, formatter(state, exception), exception));
            }
        }
    }
}
