using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Interop.Adapters.Gp;

/// <summary>Registers the GP adapter's options and its resilient pull client.</summary>
public static class GpAdapterServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="GpAdapterOptions"/> from <c>Adapters:Gp</c> (validated at start-up) and registers
    /// <see cref="GpPracticeClient"/> as a typed HttpClient behind the standard resilience handler (Polly v8:
    /// total timeout, retry with exponential back-off and jitter, circuit breaker, attempt timeout), with one
    /// pipeline per practice host so one practice's outage does not open the circuit for the others.
    /// </summary>
    public static IServiceCollection AddGpAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GpAdapterOptions>()
            .Bind(configuration.GetSection(GpAdapterOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GpAdapterOptions>, GpAdapterOptionsValidator>();

        services.AddHttpClient<GpPracticeClient>()
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
            {
                var gp = provider.GetRequiredService<IOptions<GpAdapterOptions>>().Value;
                resilience.TotalRequestTimeout.Timeout = gp.TotalTimeout;
                resilience.AttemptTimeout.Timeout = gp.AttemptTimeout;
                resilience.Retry.MaxRetryAttempts = gp.MaxRetryAttempts;
                resilience.Retry.Delay = gp.RetryDelay;
                resilience.Retry.UseJitter = true;
                resilience.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
                resilience.CircuitBreaker.MinimumThroughput = gp.CircuitBreakerMinimumThroughput;
                resilience.CircuitBreaker.FailureRatio = gp.CircuitBreakerFailureRatio;
                resilience.CircuitBreaker.SamplingDuration = gp.CircuitBreakerSamplingDuration;
                resilience.CircuitBreaker.BreakDuration = gp.CircuitBreakerBreakDuration;
            })
            .SelectPipelineByAuthority();
        return services;
    }
}
