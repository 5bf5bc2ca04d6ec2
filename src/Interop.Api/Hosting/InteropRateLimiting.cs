using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Core.Fhir;
using Interop.Core.Telemetry;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Hosting;

/// <summary>
/// Per-organisation rate limiting with the ASP.NET Core rate limiter: one token bucket per
/// <c>org</c> claim, so one partner's runaway integration cannot starve the others. Over the limit
/// the answer is 429 with <c>Retry-After</c> and an OperationOutcome coded <c>TOO_MANY_REQUESTS</c>.
/// </summary>
public static class InteropRateLimiting
{
    public static IServiceCollection AddInteropRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitingOptions>().Bind(configuration.GetSection(RateLimitingOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((o, limits) =>
        {
            var settings = limits.Value;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, settings));
            o.OnRejected = (context, ct) => new ValueTask(RejectAsync(context.HttpContext, context.Lease, ct));
        });
        return services;
    }

    /// <summary>Adds the limiter to the pipeline; after authentication, so the token's <c>org</c> claim is known.</summary>
    public static WebApplication UseInteropRateLimiting(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Enabled)
            app.UseRateLimiter();
        return app;
    }

    /// <summary>The bucket a request draws from: <c>org:CODE</c>, <c>ip:ADDRESS</c>, or none for probes.</summary>
    internal static string PartitionKey(HttpContext http)
    {
        var org = http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst("org")?.Value : null;
        return string.IsNullOrEmpty(org)
            ? "ip:" + (http.Connection.RemoteIpAddress ?? IPAddress.None)
            : "org:" + org;
    }

    private static RateLimitPartition<string> Partition(HttpContext http, RateLimitingOptions settings)
    {
        // Kubernetes probes must never be throttled into a restart.
        if (!settings.Enabled || InteropTelemetry.IsProbe(http.Request.Path))
            return RateLimitPartition.GetNoLimiter("unlimited");
        return RateLimitPartition.GetTokenBucketLimiter(PartitionKey(http), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.EffectiveBurst,
            TokensPerPeriod = settings.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, // refuse at once rather than hold connections open
            AutoReplenishment = true,
        });
    }

    private static async Task RejectAsync(HttpContext http, RateLimitLease lease, CancellationToken ct)
    {
        // RFC 9110 section 10.2.3: Retry-After in whole seconds, at least 1.
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        InteropMetrics.RecordClientError(StatusCodes.Status429TooManyRequests, FhirErrorCode.TooManyRequests);

        var outcome = Outcomes.Single(OperationOutcome.IssueType.Throttled,
            $"Too many requests from this organisation; retry after {seconds} s.", FhirErrorCode.TooManyRequests);
        var exception = new FhirException(StatusCodes.Status429TooManyRequests, outcome);
        exception.Headers["Retry-After"] = seconds;
        // Set before the body is written: the ProblemDetails answer off /fhir does not copy exception headers.
        http.Response.Headers.RetryAfter = seconds;
        var handler = http.RequestServices.GetRequiredService<FhirExceptionHandler>();
        await handler.TryHandleAsync(http, exception, ct);
    }
}
