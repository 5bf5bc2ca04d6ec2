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
    /// transient failures (POST included: every message carries an Idempotency-Key), and a circuit
    /// breaker per council host (each outbox message names its destination, so one council's outage
    /// does not pause notifications to another).
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
                resilience.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
                resilience.CircuitBreaker.MinimumThroughput = o.CircuitBreakerMinimumThroughput;
                resilience.CircuitBreaker.FailureRatio = o.CircuitBreakerFailureRatio;
                resilience.CircuitBreaker.SamplingDuration = o.EffectiveSamplingDuration;
                resilience.CircuitBreaker.BreakDuration = o.CircuitBreakerBreakDuration;
            })
            .SelectPipelineByAuthority();
        return services;
    }
}
