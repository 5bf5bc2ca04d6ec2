using System.ComponentModel.DataAnnotations;

namespace Interop.Api.Security;

/// <summary>Configuration section <c>Consent</c>.</summary>
public sealed class ConsentOptions
{
    public const string SectionName = "Consent";

    /// <summary><c>PermitDirectCare</c> (England's implied consent for direct care) or <c>DenyAll</c> (opt-in).</summary>
    [RegularExpression("^(PermitDirectCare|DenyAll)$", ErrorMessage = "Consent:DefaultPolicy must be PermitDirectCare or DenyAll.")]
    public string DefaultPolicy { get; set; } = "PermitDirectCare";

    /// <summary>
    /// Benchmark-only: false switches consent enforcement and audit off so their cost can be
    /// measured. The gateway refuses to start with it outside Development.
    /// </summary>
    public bool Enforce { get; set; } = true;

    public bool DenyAll => DefaultPolicy == "DenyAll";
}
