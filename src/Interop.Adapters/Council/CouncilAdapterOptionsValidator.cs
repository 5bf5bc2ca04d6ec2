using Microsoft.Extensions.Options;

namespace Interop.Adapters.Council;

/// <summary>Checks <see cref="CouncilAdapterOptions"/> at start-up and names every bad setting at once.</summary>
public sealed class CouncilAdapterOptionsValidator : IValidateOptions<CouncilAdapterOptions>
{
    public ValidateOptionsResult Validate(string? name, CouncilAdapterOptions options)
    {
        var failures = new List<string>();
        const string s = CouncilAdapterOptions.SectionName;
        if (!string.IsNullOrWhiteSpace(options.NotificationUrl) &&
            (options.NotificationUri is not { } uri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            failures.Add($"{s}:NotificationUrl '{options.NotificationUrl}' must be an absolute http or https URL.");
        if (!Enum.IsDefined(options.NotificationFormat))
            failures.Add($"{s}:NotificationFormat must be Fhir or Json.");
        if (options.Timeout <= TimeSpan.Zero)
            failures.Add($"{s}:Timeout must be positive.");
        if (options.AttemptTimeout <= TimeSpan.Zero || options.AttemptTimeout > options.Timeout)
            failures.Add($"{s}:AttemptTimeout must be positive and no longer than {s}:Timeout.");
        if (options.MaxRetryAttempts is < 1 or > 10)
            failures.Add($"{s}:MaxRetryAttempts must be between 1 and 10.");
        if (options.RetryDelay < TimeSpan.Zero)
            failures.Add($"{s}:RetryDelay must not be negative.");
        if (options.CircuitBreakerMinimumThroughput < 2)
            failures.Add($"{s}:CircuitBreakerMinimumThroughput must be at least 2.");
        if (options.CircuitBreakerFailureRatio is <= 0 or > 1 || double.IsNaN(options.CircuitBreakerFailureRatio))
            failures.Add($"{s}:CircuitBreakerFailureRatio must be in (0, 1].");
        if (options.CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
            failures.Add($"{s}:CircuitBreakerSamplingDuration must be at least 500 ms.");
        if (options.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
            failures.Add($"{s}:CircuitBreakerBreakDuration must be at least 500 ms.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
