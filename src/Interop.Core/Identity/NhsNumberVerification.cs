using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Core.Identity;

/// <summary>
/// NHS number verification status (PDS trace status), England codes <c>01</c>..<c>08</c>
/// (<c>UKCore-NHSNumberVerificationStatusEngland</c>, domain notes 2.3). UK Core carries it as
/// <c>Extension-UKCore-NHSNumberVerificationStatus</c> on <c>Patient.identifier:nhsNumber</c>.
/// Only <see cref="Verified"/> makes a number safe to match records from different organisations on;
/// a missing status counts as unverified.
/// </summary>
public static class NhsNumberVerification
{
    /// <summary><c>01</c> Number present and verified.</summary>
    public const string Verified = "01";

    /// <summary>The codes and their UK Core displays.</summary>
    public static IReadOnlyDictionary<string, string> Displays { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["01"] = "Number present and verified",
        ["02"] = "Number present but not traced",
        ["03"] = "Trace required",
        ["04"] = "Trace attempted - No match or multiple match found",
        ["05"] = "Trace needs to be resolved - (NHS number or patient detail conflict)",
        ["06"] = "Trace in progress",
        ["07"] = "Number not present and trace not required",
        ["08"] = "Trace postponed (baby under six weeks old)",
    };

    /// <summary>True for one of the eight England codes.</summary>
    public static bool IsKnown(string? code) => code is not null && Displays.ContainsKey(code);

    /// <summary>The UK Core extension for <paramref name="code"/> (one coding with its display).</summary>
    /// <exception cref="ArgumentException"><paramref name="code"/> is not one of the eight codes.</exception>
    public static Extension ToExtension(string code)
    {
        if (!Displays.TryGetValue(code, out var display))
            throw new ArgumentException($"'{code}' is not an NHS number verification status (01 to 08).", nameof(code));
        return new Extension(KnownSystems.UkCoreNhsNumberVerificationStatusExtension,
            new CodeableConcept { Coding = [new Coding(KnownSystems.UkCoreNhsNumberVerificationStatusEngland, code, display)] });
    }

    /// <summary>Puts <paramref name="code"/> on <paramref name="nhsNumber"/>, replacing any status it had.</summary>
    public static void Set(Identifier nhsNumber, string code)
    {
        ArgumentNullException.ThrowIfNull(nhsNumber);
        var extension = ToExtension(code);
        nhsNumber.Extension.RemoveAll(e => e.Url == KnownSystems.UkCoreNhsNumberVerificationStatusExtension);
        nhsNumber.Extension.Add(extension);
    }

    /// <summary>The England code on <paramref name="nhsNumber"/>, or null when it carries none.</summary>
    public static string? StatusOf(Identifier? nhsNumber) =>
        nhsNumber?.Extension
            .Where(e => e.Url == KnownSystems.UkCoreNhsNumberVerificationStatusExtension)
            .Select(e => e.Value)
            .OfType<CodeableConcept>()
            .SelectMany(c => c.Coding)
            .FirstOrDefault(c => c.System == KnownSystems.UkCoreNhsNumberVerificationStatusEngland)?.Code;

    /// <summary>The Patient's NHS number identifier (the first one), or null.</summary>
    public static Identifier? NhsNumberOf(Patient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return patient.Identifier.FirstOrDefault(i => i.System == KnownSystems.NhsNumber && !string.IsNullOrEmpty(i.Value));
    }

    /// <summary>True only when the Patient's NHS number carries status <c>01</c>.</summary>
    public static bool IsVerified(Patient patient) => StatusOf(NhsNumberOf(patient)) == Verified;

    /// <summary>"status 02 (Number present but not traced)" or "no verification status", for messages.</summary>
    public static string Describe(string? code) => code is null
        ? "no verification status"
        : Displays.TryGetValue(code, out var display) ? $"status {code} ({display})" : $"status '{code}'";
}
