using Microsoft.Extensions.Options;

namespace Interop.Api.Adapters;

/// <summary>Checks <see cref="HospitalAdapterOptions"/> at start-up, naming every bad setting.</summary>
public sealed class HospitalAdapterOptionsValidator : IValidateOptions<HospitalAdapterOptions>
{
    public ValidateOptionsResult Validate(string? name, HospitalAdapterOptions options)
    {
        const string s = HospitalAdapterOptions.SectionName;
        var failures = new List<string>();
        if (options.MllpPort is < 0 or > 65535) failures.Add($"{s}:MllpPort must be between 0 and 65535 (0 = off).");
        if (options.MllpIPAddress is null) failures.Add($"{s}:MllpAddress '{options.MllpAddress}' is not an IP address.");
        if (options.MllpListening && string.IsNullOrWhiteSpace(options.MllpOrganization))
            failures.Add($"{s}:MllpOrganization (the ODS code MLLP messages act as) is required when MLLP is on.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
