using Hl7.Fhir.Model;

namespace Interop.Core.Identity;

/// <summary>
/// The outcome of <see cref="PatientMatchRule.Decide"/>. <see cref="TargetId"/> is the stored Patient
/// the record goes to (<see cref="PatientMatchKind.Merge"/>, <see cref="PatientMatchKind.SameSourceRecord"/>);
/// <see cref="PossibleMatchIds"/> the stored Patients a person should compare it with
/// (<see cref="PatientMatchKind.KeptApart"/>, <see cref="PatientMatchKind.Refused"/>);
/// <see cref="SourceIdentifier"/> the sender's own identifier a kept-apart Patient is keyed on.
/// </summary>
public sealed record PatientMatchDecision(
    PatientMatchKind Kind,
    string? TargetId,
    IReadOnlyList<string> PossibleMatchIds,
    Identifier? SourceIdentifier,
    string Reason);
