namespace Interop.Tests.ConsentLedger;

/// <summary>
/// The callers the leak suite drives every path with, each denied something different
/// (docs/consent.md, "The decision").
/// </summary>
public enum LeakCaller
{
    /// <summary>A clinician of the hospital trust the patient has denied by name: the whole record is withheld.</summary>
    DeniedHospital,

    /// <summary>A community clinician with no denial: sees the record but not the sensitive-class items.</summary>
    CommunityClinician,

    /// <summary>The patient's own token: sees their record but not the NOPAT item (nor anyone else's).</summary>
    PatientToken,
}
