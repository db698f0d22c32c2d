using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every SmartRules process shares, after eShop's ServiceDefaults: OpenTelemetry logs, metrics and traces
/// (ASP.NET Core, HttpClient, runtime, Npgsql, Orleans, and the SmartRules meter), exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set — which is all an Aspire dashboard needs — and health checks with
/// <c>/health</c> (everything, ready) and <c>/alive</c> (the process).
/// </summary>
public static class Extensions
{
    /// <summary>The meter of SmartRules' own instruments.</summary>
    public const string SmartRulesMeter = "SmartRules";

    private const string AliveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans", "Npgsql", SmartRulesMeter));

        // Spans are recorded only when there is somewhere to send them: without an exporter every request, grain call
        // and store write would still build its spans only to drop them, which cost a loaded cluster a fair share of
        // its CPU (the reliability suite's stream test measured it). Metrics are aggregated in place and stay on.
        if (ExportsTraces(builder.Configuration))
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(builder.Environment.ApplicationName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "SmartRules.Store")
                    .AddAspNetCoreInstrumentation(options =>
                        options.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql())
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Whether spans are recorded and exported: only when there is somewhere to send them (an OTLP endpoint).
    /// Whatever else builds spans (Orleans' grain call filters) asks the same.</summary>
    public static bool ExportsTraces(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [AliveTag]);
        return builder;
    }

    /// <summary><c>/health</c>: every check (the process, the database, the cluster); <c>/alive</c>: the process.
    /// Both in every environment, without authentication.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(AliveTag) });
        return app;
    }
}
