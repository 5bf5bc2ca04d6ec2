using Microsoft.Extensions.Options;

namespace Interop.Adapters.Gp;

/// <summary>
/// Start-up validation of <see cref="GpAdapterOptions"/>, reporting every bad setting at once. The timing rules
/// mirror what the standard resilience handler itself requires, so a bad combination fails the boot rather than
/// the first pull.
/// </summary>
public sealed class GpAdapterOptionsValidator : IValidateOptions<GpAdapterOptions>
{
    public ValidateOptionsResult Validate(string? name, GpAdapterOptions options)
    {
        var failures = new List<string>();
        const string section = GpAdapterOptions.SectionName;

        foreach (var (ods, practice) in options.Practices)
        {
            var key = $"{section}:Practices:{ods}:BaseUrl";
            if (string.IsNullOrWhiteSpace(practice?.BaseUrl))
                failures.Add($"{key} is required.");
            else if (!Uri.TryCreate(practice.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                failures.Add($"{key} '{practice.BaseUrl}' must be an absolute http or https URL.");
            else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
                failures.Add($"{key} '{practice.BaseUrl}' must not have a query or fragment.");
        }

        if (options.Freshness <= TimeSpan.Zero) failures.Add($"{section}:Freshness must be positive.");
        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(10)) failures.Add($"{section}:AttemptTimeout must be at least 10 ms.");
        if (options.TotalTimeout <= options.AttemptTimeout) failures.Add($"{section}:TotalTimeout must be longer than AttemptTimeout.");
        if (options.MaxRetryAttempts is < 1 or > 10) failures.Add($"{section}:MaxRetryAttempts must be between 1 and 10.");
        if (options.RetryDelay < TimeSpan.Zero) failures.Add($"{section}:RetryDelay must not be negative.");
        if (options.CircuitBreakerMinimumThroughput < 2) failures.Add($"{section}:CircuitBreakerMinimumThroughput must be at least 2.");
        if (options.CircuitBreakerFailureRatio is <= 0 or > 1) failures.Add($"{section}:CircuitBreakerFailureRatio must be in (0, 1].");
        if (options.CircuitBreakerSamplingDuration < 2 * options.AttemptTimeout)
            failures.Add($"{section}:CircuitBreakerSamplingDuration must be at least twice AttemptTimeout.");
        if (options.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
            failures.Add($"{section}:CircuitBreakerBreakDuration must be at least 500 ms.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
