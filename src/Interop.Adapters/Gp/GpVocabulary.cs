using Hl7.Fhir.Model;
using Interop.Core.Identity;
using Interop.Core.Known;

namespace Interop.Adapters.Gp;

/// <summary>
/// The coded values a GP extract may carry and what each becomes in FHIR R4 / UK Core. Matching is
/// case-insensitive and ignores spaces, hyphens and underscores, because GP systems print these as display text
/// ("Repeat dispensing", "Active").
/// </summary>
internal static class GpVocabulary
{
    public static readonly IReadOnlyDictionary<string, string> ConditionClinicalStatus = Table(
        ("active", "active"), ("inactive", "inactive"), ("resolved", "resolved"));

    public static readonly IReadOnlyDictionary<string, string> AllergyClinicalStatus = Table(
        ("active", "active"), ("inactive", "inactive"), ("resolved", "resolved"));

    /// <summary>UKCore-ProblemSignificance codes.</summary>
    public static readonly IReadOnlyDictionary<string, string> Significance = Table(
        ("major", "major"), ("minor", "minor"));

    /// <summary>UKCore-ConditionEpisodicity codes.</summary>
    public static readonly IReadOnlyDictionary<string, string> Episodicity = Table(
        ("first", "first"), ("new", "new"), ("review", "review"), ("end", "end"));

    public static readonly IReadOnlyDictionary<string, AllergyIntolerance.AllergyIntoleranceSeverity> Severity =
        new Dictionary<string, AllergyIntolerance.AllergyIntoleranceSeverity>
        {
            ["mild"] = AllergyIntolerance.AllergyIntoleranceSeverity.Mild,
            ["moderate"] = AllergyIntolerance.AllergyIntoleranceSeverity.Moderate,
            ["severe"] = AllergyIntolerance.AllergyIntoleranceSeverity.Severe,
        };

    /// <summary>Medication status to MedicationStatement.status and the authorisation's MedicationRequest.status.</summary>
    public static readonly IReadOnlyDictionary<string, (MedicationStatement.MedicationStatusCodes Statement, MedicationRequest.MedicationrequestStatus Plan)> MedicationStatus =
        new Dictionary<string, (MedicationStatement.MedicationStatusCodes, MedicationRequest.MedicationrequestStatus)>
        {
            ["active"] = (MedicationStatement.MedicationStatusCodes.Active, MedicationRequest.MedicationrequestStatus.Active),
            ["completed"] = (MedicationStatement.MedicationStatusCodes.Completed, MedicationRequest.MedicationrequestStatus.Completed),
            ["ended"] = (MedicationStatement.MedicationStatusCodes.Completed, MedicationRequest.MedicationrequestStatus.Completed),
            ["stopped"] = (MedicationStatement.MedicationStatusCodes.Stopped, MedicationRequest.MedicationrequestStatus.Stopped),
            ["cancelled"] = (MedicationStatement.MedicationStatusCodes.Stopped, MedicationRequest.MedicationrequestStatus.Stopped),
            ["discontinued"] = (MedicationStatement.MedicationStatusCodes.Stopped, MedicationRequest.MedicationrequestStatus.Stopped),
        };

    /// <summary>UKCore-PrescriptionType codes.</summary>
    public static readonly IReadOnlyDictionary<string, string> PrescriptionType = Table(
        ("acute", "acute"), ("repeat", "repeat"), ("repeatdispensing", "repeat-dispensing"),
        ("delayedprescribing", "delayed-prescribing"));

    public static readonly IReadOnlyDictionary<string, AdministrativeGender> Sex =
        new Dictionary<string, AdministrativeGender>
        {
            ["m"] = AdministrativeGender.Male, ["male"] = AdministrativeGender.Male,
            ["f"] = AdministrativeGender.Female, ["female"] = AdministrativeGender.Female,
            // GP systems' "I" is indeterminate sex, which R4 AdministrativeGender can only call "other".
            ["i"] = AdministrativeGender.Other, ["other"] = AdministrativeGender.Other,
            ["u"] = AdministrativeGender.Unknown, ["unknown"] = AdministrativeGender.Unknown,
        };

    /// <summary>UKCore-NHSNumberVerificationStatusEngland codes and displays (domain notes 2.3).</summary>
    public static IReadOnlyDictionary<string, string> NhsNumberStatus => NhsNumberVerification.Displays;

    /// <summary>
    /// GP-recorded consent codes (SNOMED, NHS DocumentConsentSnCT subset; domain notes 3.1): true = consent given
    /// (provision permit), false = refused (provision deny).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, bool> SharingCodePermits = new Dictionary<string, bool>
    {
        ["425691002"] = true,   // Consent given for electronic record sharing
        ["417528008"] = true,   // Consent given for upload to local shared electronic record
        ["417370002"] = true,   // Consent given for upload to national shared electronic record
        ["887031000000108"] = true, // Consent for information sharing
        ["416409005"] = false,  // Refused consent for upload to local shared electronic record
        ["416308001"] = false,  // Refused consent for upload to national shared electronic record
    };

    /// <summary>Codes about the national record (SCR); the rest are about local sharing. A later code supersedes
    /// an earlier one only within the same group.</summary>
    public static readonly IReadOnlySet<string> NationalRecordSharingCodes = new HashSet<string> { "417370002", "416308001" };

    /// <summary>Sensitive classes v3-ActCode covers (R4 v3 ActInformationSensitivityPolicy).</summary>
    private static readonly IReadOnlySet<string> V3SensitivityCodes =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "PSY", "SDV", "HIV", "ETH", "ETHUD", "OPIOIDUD", "STD", "SEX" };

    /// <summary>UK sensitive classes v3 does not cover, coded in <see cref="KnownSystems.SensitiveClass"/>.</summary>
    private static readonly IReadOnlyDictionary<string, string> LocalSensitiveClasses = Table(
        ("ivf", GpSensitiveClass.AssistedFertilisation), ("assistedfertilisation", GpSensitiveClass.AssistedFertilisation),
        ("top", GpSensitiveClass.TerminationOfPregnancy), ("termination", GpSensitiveClass.TerminationOfPregnancy),
        ("terminationofpregnancy", GpSensitiveClass.TerminationOfPregnancy),
        ("genderreassignment", GpSensitiveClass.GenderReassignment), ("gender", GpSensitiveClass.GenderReassignment),
        ("safeguarding", GpSensitiveClass.Safeguarding));

    /// <summary>Looks a value up after normalising it; null when absent or unknown.</summary>
    public static bool TryLookup<T>(IReadOnlyDictionary<string, T> table, string? value, out T result)
    {
        result = default!;
        return value is not null && table.TryGetValue(Normalise(value), out result!);
    }

    /// <summary>The security label for a GP sensitivity value; <c>Known</c> false means it fell back to a local code.</summary>
    public static (Coding Label, bool Known) SensitivityLabel(string sensitivity)
    {
        var trimmed = sensitivity.Trim();
        if (V3SensitivityCodes.Contains(trimmed))
            return (new Coding(KnownSystems.V3ActCode, trimmed.ToUpperInvariant()), true);
        if (LocalSensitiveClasses.TryGetValue(Normalise(trimmed), out var local))
            return (new Coding(KnownSystems.SensitiveClass, local), true);
        // Unknown classes still get a label, so the consent engine can see something was marked sensitive.
        var code = string.Join('-', trimmed.ToLowerInvariant().Split([' ', '_'], StringSplitOptions.RemoveEmptyEntries));
        return (new Coding(KnownSystems.SensitiveClass, code), false);
    }

    private static string Normalise(string value) =>
        new(value.Where(c => c is not (' ' or '-' or '_')).Select(char.ToLowerInvariant).ToArray());

    private static Dictionary<string, string> Table(params (string Key, string Value)[] rows) =>
        rows.ToDictionary(r => r.Key, r => r.Value);
}
