using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Interop.Adapters.Council;

/// <summary>Registers the council adapter's options and its resilient notification client.</summary>
public static class CouncilAdapterServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Adapters:Council</c> (validated on start), and registers
    /// <see cref="CouncilNotificationClient"/> as a typed client behind the standard resilience
    /// handler (Polly v8): total and per-attempt timeouts, exponential retry with jitter on
    /// transient failures (POST included: every message carries an Idempotency-Key), circuit breaker.
    /// </summary>
    public static IServiceCollection AddCouncilAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CouncilAdapterOptions>()
            .Bind(configuration.GetSection(CouncilAdapterOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CouncilAdapterOptions>, CouncilAdapterOptionsValidator>();

        services.AddHttpClient<CouncilNotificationClient>(client =>
            {
                // The resilience pipeline owns timeouts; HttpClient's own 100 s must not cut it short.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
            {
                var o = provider.GetRequiredService<IOptions<CouncilAdapterOptions>>().Value;
                resilience.TotalRequestTimeout.Timeout = o.Timeout;
                resilience.AttemptTimeout.Timeout = o.AttemptTimeout;
                resilience.Retry.MaxRetryAttempts = o.MaxRetryAttempts;
                resilience.Retry.Delay = o.RetryDelay;
                resilience.Retry.UseJitter = true;
                // The handler requires the breaker's sampling window to be at least twice the attempt timeout.
                var sampling = TimeSpan.FromSeconds(30);
                resilience.CircuitBreaker.SamplingDuration = o.AttemptTimeout * 2 > sampling ? o.AttemptTimeout * 2 : sampling;
            });
        return services;
    }
}
