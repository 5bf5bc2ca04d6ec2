using Microsoft.Extensions.Options;

namespace Interop.Api.Fhir;

/// <summary>Checks <see cref="SearchOptions"/> at start-up, naming every bad setting.</summary>
public sealed class SearchOptionsValidator : IValidateOptions<SearchOptions>
{
    public ValidateOptionsResult Validate(string? name, SearchOptions options)
    {
        const string s = SearchOptions.SectionName;
        var failures = new List<string>();
        if (options.ReindexBatchSize is < 1 or > 10_000) failures.Add($"{s}:ReindexBatchSize must be between 1 and 10000.");
        if (options.ReindexPollInterval <= TimeSpan.Zero) failures.Add($"{s}:ReindexPollInterval must be positive.");
        if (options.ReindexLease < TimeSpan.FromSeconds(1)) failures.Add($"{s}:ReindexLease must be at least one second.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
