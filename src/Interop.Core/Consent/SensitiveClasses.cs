using Interop.Core.Known;

namespace Interop.Core.Consent;

/// <summary>
/// Security labels that mark an item as sensitive: withheld from everyone but its custodian unless
/// the patient permits the class to the requesting organisation (UK domain notes 3.1, "Sensitive data").
/// </summary>
public static class SensitiveClasses
{
    /// <summary>v3 ActCode sensitivity codes.</summary>
    public static readonly IReadOnlyList<string> V3Codes = ["PSY", "SDV", "HIV", "ETH", "STD", "SEX"];

    /// <summary>Local classes in <see cref="KnownSystems.SensitiveClass"/>: IVF, termination of pregnancy, gender reassignment, safeguarding.</summary>
    public static readonly IReadOnlyList<string> LocalCodes = ["IVF", "TOP", "GENDER-REASSIGNMENT", "SAFEGUARDING"];
    // Must match fhir-profiles/CodeSystem/CodeSystem-sensitive-class.json; a test checks it.

    /// <summary>Every code treated as sensitive (matched by code: the two code lists do not overlap).</summary>
    public static readonly IReadOnlyList<string> All = [.. V3Codes, .. LocalCodes];

    /// <summary>"Do not disclose to patient" (v3 ActCode NOPAT): never reaches a patient token.</summary>
    public const string NoPatientDisclosure = "NOPAT";
}
