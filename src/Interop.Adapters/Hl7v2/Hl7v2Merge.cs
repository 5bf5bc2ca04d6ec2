namespace Interop.Adapters.Hl7v2;

/// <summary>
/// One PID/MRG pair of an ADT^A40 (merge patient: identifier list). The mapper cannot re-point
/// stored references itself, so storage applies this: the retired records' references move to the
/// surviving patient, and the retired Patient gets <c>link.type = replaced-by</c> (the survivor
/// <c>replaces</c>), as the domain notes (section 5.1) describe.
/// </summary>
/// <param name="Surviving">The identifier to find the surviving patient by (NHS number when valid, else the MRN).</param>
/// <param name="SurvivingIdentifiers">Every identifier PID-3 gave for the surviving patient.</param>
/// <param name="Retired">Identifiers from MRG-1 of the patient record(s) being merged away.</param>
public sealed record Hl7v2Merge(
    Hl7v2PatientIdentifier Surviving,
    IReadOnlyList<Hl7v2PatientIdentifier> SurvivingIdentifiers,
    IReadOnlyList<Hl7v2PatientIdentifier> Retired);
