using Microsoft.Extensions.Options;

namespace Interop.Api.Adapters;

/// <summary>Checks <see cref="OutboxOptions"/> at start-up, naming every bad setting.</summary>
public sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        const string s = OutboxOptions.SectionName;
        var failures = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero) failures.Add($"{s}:PollInterval must be positive.");
        if (options.RetryDelay <= TimeSpan.Zero) failures.Add($"{s}:RetryDelay must be positive.");
        if (options.MaxRetryDelay < options.RetryDelay) failures.Add($"{s}:MaxRetryDelay must not be shorter than {s}:RetryDelay.");
        if (options.Lease <= TimeSpan.Zero) failures.Add($"{s}:Lease must be positive.");
        if (options.BatchSize is < 1 or > 1000) failures.Add($"{s}:BatchSize must be between 1 and 1000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
