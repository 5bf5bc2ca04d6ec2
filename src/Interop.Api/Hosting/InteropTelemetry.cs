using Interop.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Interop.Api.Hosting;

/// <summary>
/// OpenTelemetry traces, metrics and logs. Configured by the standard <c>OTEL_*</c> variables
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_RESOURCE_ATTRIBUTES</c> ...); nothing is exported unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class InteropTelemetry
{
    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> does not give one.</summary>
    public const string DefaultServiceName = "interop-gateway";

    /// <summary>Meters subscribed besides the ASP.NET Core, HttpClient and runtime instrumentation.</summary>
    public static readonly string[] Meters =
    [
        InteropMetrics.MeterName,
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.EntityFrameworkCore", // EF Core's own meter (no instrumentation package restores from our source)
        "Npgsql",
    ];

    public static WebApplicationBuilder AddInteropTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;

        // Every log line carries the trace and span ids and ASP.NET Core's request scope
        // (RequestId, RequestPath); the console formatter prints scopes (appsettings Logging:Console).
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? DefaultServiceName))
            .WithTracing(t => t
                // Probes would drown real traffic; URL query values are redacted by the instrumentation
                // by default, so NHS numbers in search parameters do not reach the trace backend.
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource("Npgsql"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Meters));

        if (IsExportConfigured(configuration))
        {
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
            });
            // Reads OTEL_EXPORTER_OTLP_* itself and exports all three signals.
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>True when an OTLP endpoint is configured (environment variable or configuration key of the same name).</summary>
    public static bool IsExportConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    internal static bool IsProbe(PathString path) => path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
