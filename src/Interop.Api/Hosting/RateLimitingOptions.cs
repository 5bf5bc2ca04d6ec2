using System.ComponentModel.DataAnnotations;

namespace Interop.Api.Hosting;

/// <summary>
/// Configuration section <c>RateLimiting</c>: a token bucket per calling organisation (the token's
/// <c>org</c> claim; callers without a valid token share one bucket per IP address).
/// </summary>
public sealed class RateLimitingOptions : IValidatableObject
{
    public const string SectionName = "RateLimiting";

    /// <summary>Sustained requests per second per organisation; 0 switches rate limiting off.</summary>
    public int PermitsPerSecond { get; set; }

    /// <summary>Requests an organisation may make at once above the sustained rate (the bucket size); 0 = same as <see cref="PermitsPerSecond"/>.</summary>
    public int Burst { get; set; }

    public bool Enabled => PermitsPerSecond > 0;

    /// <summary>The bucket size actually used.</summary>
    public int EffectiveBurst => Math.Max(Burst, PermitsPerSecond);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PermitsPerSecond < 0)
            yield return new ValidationResult("RateLimiting:PermitsPerSecond must be 0 (off) or a positive number of requests per second.", [nameof(PermitsPerSecond)]);
        if (Burst < 0)
            yield return new ValidationResult("RateLimiting:Burst must be 0 (same as PermitsPerSecond) or a positive number of requests.", [nameof(Burst)]);
    }
}
