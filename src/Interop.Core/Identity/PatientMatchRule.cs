using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Core.Identity;

/// <summary>
/// Whether a record that arrives with an NHS number belongs to a Patient already stored. Domain
/// notes 0.3: only a verified number (status <c>01</c>, <see cref="NhsNumberVerification"/>) is
/// trusted for matching across organisations, so an unverified number never merges silently. Pure:
/// the caller finds the candidates, this decides, in this order:
/// <list type="number">
/// <item>incoming verified and exactly one candidate verified: <see cref="PatientMatchKind.Merge"/> into it;</item>
/// <item>a candidate also carries the sender's own identifier: <see cref="PatientMatchKind.SameSourceRecord"/>
/// (the sender said before who this is, with this number; its MRN / local id decides, not the status);</item>
/// <item>no candidate: <see cref="PatientMatchKind.New"/>;</item>
/// <item>otherwise (either side unverified, or several verified candidates):
/// <see cref="PatientMatchKind.KeptApart"/>, keyed on the sender's own identifier, or
/// <see cref="PatientMatchKind.Refused"/> when the record has none.</item>
/// </list>
/// </summary>
public static class PatientMatchRule
{
    /// <param name="incoming">The Patient the sender's record maps to; must carry an NHS number.</param>
    /// <param name="candidates">Current stored Patients with the same NHS number (retired ones, <c>link replaced-by</c>, are ignored).</param>
    public static PatientMatchDecision Decide(Patient incoming, IReadOnlyList<PatientCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(candidates);
        var nhs = NhsNumberVerification.NhsNumberOf(incoming)
            ?? throw new ArgumentException("The incoming Patient has no NHS number.", nameof(incoming));
        var incomingStatus = NhsNumberVerification.StatusOf(nhs);
        var live = candidates.Where(c => !IsRetired(c.Patient)).ToList();
        var verified = live.Where(c => NhsNumberVerification.IsVerified(c.Patient)).ToList();

        if (incomingStatus == NhsNumberVerification.Verified && verified.Count == 1)
            return new(PatientMatchKind.Merge, verified[0].Id, [], null, $"NHS number {nhs.Value} is verified on both records.");
        var own = live.FirstOrDefault(c => SharesSourceIdentifier(c.Patient, incoming));
        if (own is not null)
            return new(PatientMatchKind.SameSourceRecord, own.Id, [], null, "The sender's own identifier is already on the stored Patient.");
        if (live.Count == 0)
            return new(PatientMatchKind.New, null, [], null, $"No stored Patient has NHS number {nhs.Value}.");

        var ids = live.Select(c => c.Id).ToList();
        var reason = incomingStatus != NhsNumberVerification.Verified
            ? $"the incoming NHS number {nhs.Value} has {NhsNumberVerification.Describe(incomingStatus)}"
            : verified.Count == 0
                ? $"the stored NHS number {nhs.Value} has {NhsNumberVerification.Describe(NhsNumberVerification.StatusOf(NhsNumberVerification.NhsNumberOf(live[0].Patient)))}"
                : $"{verified.Count} stored Patients have NHS number {nhs.Value} verified";
        var source = SourceIdentifierOf(incoming);
        return source is null
            ? new(PatientMatchKind.Refused, null, ids, null, reason)
            : new(PatientMatchKind.KeptApart, null, ids, source, reason);
    }

    /// <summary>The sender's own identifier: the first one with a system and value that is not the NHS number.</summary>
    public static Identifier? SourceIdentifierOf(Patient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return patient.Identifier.FirstOrDefault(i =>
            i.System != KnownSystems.NhsNumber && !string.IsNullOrWhiteSpace(i.System) && !string.IsNullOrWhiteSpace(i.Value));
    }

    private static bool SharesSourceIdentifier(Patient stored, Patient incoming) =>
        incoming.Identifier.Any(i => i.System != KnownSystems.NhsNumber && !string.IsNullOrWhiteSpace(i.Value)
            && stored.Identifier.Any(s => s.System == i.System && s.Value == i.Value));

    /// <summary>Merged away by ADT^A40 (FHIR R4 patient.html#links): not a match any more.</summary>
    private static bool IsRetired(Patient patient) =>
        patient.Active == false && patient.Link.Any(l => l.Type == Patient.LinkType.ReplacedBy);
}
