using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Interop.Api.Security;

/// <summary>Configuration section <c>Auth</c> (contracts.md).</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string SectionName = "Auth";

    [Required(ErrorMessage = "Auth:Issuer is required (the expected 'iss' of access tokens).")]
    public string Issuer { get; set; } = "";

    [Required(ErrorMessage = "Auth:Audience is required (the expected 'aud' of access tokens).")]
    public string Audience { get; set; } = "";

    /// <summary>Shared HS256 key for development and tests (at least 32 bytes).</summary>
    public string? SigningKey { get; set; }

    /// <summary>OpenID Connect authority whose JWKS signs production tokens (RS256/ES256).</summary>
    public string? Authority { get; set; }

    /// <summary>The operator's own organisation: its system tokens may register participating Organizations.</summary>
    public string AdminOrganization { get; set; } = "INTEROP";

    /// <summary>
    /// How long a request's organisation check may use a remembered registration (0 = always ask
    /// the database). A change made through this instance is seen at once; through another instance,
    /// within this many seconds.
    /// </summary>
    [Range(0, 3600)]
    public int OrganizationCacheSeconds { get; set; } = 30;

    /// <summary>Allowed clock skew, at most 60 seconds.</summary>
    [Range(0, 60)]
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>Lifetime of tokens printed by the <c>token</c> verb and the development token endpoint.</summary>
    [Range(1, 1440)]
    public int DevTokenLifetimeMinutes { get; set; } = 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(SigningKey) && string.IsNullOrWhiteSpace(Authority))
            yield return new ValidationResult("Set Auth:Authority (OpenID Connect) or, for development, Auth:SigningKey.", [nameof(SigningKey), nameof(Authority)]);
        if (!string.IsNullOrEmpty(SigningKey) && Encoding.UTF8.GetByteCount(SigningKey) < 32)
            yield return new ValidationResult("Auth:SigningKey must be at least 32 bytes.", [nameof(SigningKey)]);
        if (!string.IsNullOrEmpty(Authority) && !Uri.TryCreate(Authority, UriKind.Absolute, out _))
            yield return new ValidationResult("Auth:Authority must be an absolute URL.", [nameof(Authority)]);
    }
}
