namespace Interop.Adapters.Gp;

/// <summary>
/// Configuration section <c>Adapters:Gp</c>: where each practice's extracts are pulled from and how patient the
/// gateway is with a practice system. Validated at start-up by <see cref="GpAdapterOptionsValidator"/>.
/// </summary>
public sealed class GpAdapterOptions
{
    public const string SectionName = "Adapters:Gp";

    /// <summary>Practice endpoints keyed by ODS code (<c>Adapters:Gp:Practices:{ods}:BaseUrl</c>).</summary>
    public Dictionary<string, GpPracticeEndpointOptions> Practices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How old a pulled extract may be before a summary pulls again (used by the caller's cache).</summary>
    public TimeSpan Freshness { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Timeout of a whole pull, retries included: a summary must not wait long for a slow practice.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt (exponential back-off with jitter).</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>Base delay of the retry back-off.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Attempts in the sampling window before the circuit breaker may open.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Share of failed attempts in the sampling window that opens the circuit.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls to the practice before trying again.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
