namespace Interop.Adapters.Council;

/// <summary>
/// Configuration section <c>Adapters:Council</c>. Validated at start-up by
/// <see cref="CouncilAdapterOptionsValidator"/>, so a bad setting stops the boot with a clear message.
/// </summary>
public sealed class CouncilAdapterOptions
{
    public const string SectionName = "Adapters:Council";

    /// <summary>Absolute http(s) URL that discharge notifications are POSTed to; none = notifications off.</summary>
    public string? NotificationUrl { get; set; }

    public CouncilNotificationFormat NotificationFormat { get; set; } = CouncilNotificationFormat.Fhir;

    /// <summary>Time allowed for one notification, retries included (standard handler's total request timeout).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for a single attempt; must be less than <see cref="Timeout"/>.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, within <see cref="Timeout"/> (the outbox retries again later).</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Base delay of the exponential, jittered back-off between retries.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts to one council host in the sampling window before its circuit breaker may open.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Share of failed attempts in the sampling window that opens the circuit.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>
    /// Window the failure ratio is measured over. The resilience handler needs it to be at least twice
    /// <see cref="AttemptTimeout"/>, so a shorter value is raised to that (<see cref="EffectiveSamplingDuration"/>).
    /// </summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses sends to the council host before trying again (the outbox keeps the message).</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The sampling window in force: <see cref="CircuitBreakerSamplingDuration"/>, or twice <see cref="AttemptTimeout"/> if that is longer.</summary>
    public TimeSpan EffectiveSamplingDuration =>
        AttemptTimeout * 2 > CircuitBreakerSamplingDuration ? AttemptTimeout * 2 : CircuitBreakerSamplingDuration;

    /// <summary>The parsed <see cref="NotificationUrl"/>, or null when notifications are off.</summary>
    public Uri? NotificationUri =>
        Uri.TryCreate(NotificationUrl, UriKind.Absolute, out var uri) ? uri : null;
}
