using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Core.Fhir;
using Interop.Core.Identity;
using Interop.Core.Known;
using Interop.Storage;

namespace Interop.Api.Adapters;

/// <summary>
/// Decides which stored Patient each Patient entry of an adapter transaction belongs to, and
/// rewrites the entry's request to say so (docs/adapters, "Matching a person across organisations"):
/// <list type="bullet">
/// <item>every NHS number must pass Modulus 11 (all failures reported at once, 400 INVALID_NHS_NUMBER);</item>
/// <item><see cref="PatientMatchRule"/> decides: a verified number (status 01) on both sides merges,
/// the sender's own identifier finds its own record, and otherwise an NHS number already stored
/// never merges silently: the record goes to a separate Patient keyed on the sender's identifier,
/// a <c>Flag</c> "Possible match, unverified NHS number" points a person at both, and a warning is
/// returned (422 when the record has no identifier of its own to be kept apart by);</item>
/// <item>when the record does go to a stored Patient whose birth date or family name it contradicts,
/// the stored one is kept (the entry becomes a conditional create that matches it), a warning is
/// returned and a <c>Flag</c> asks a person to look: a wrong demographic match is a clinical-safety
/// hazard, silently overwriting one is worse.</item>
/// </list>
/// </summary>
public sealed class PatientMatchGuard(ConditionalResolver resolver, ResourceStore store, TimeProvider time)
{
    /// <summary>Identifier system of the conflicting-demographics Flags; the value makes a repeat of the same conflict find the same Flag.</summary>
    public const string ConflictFlagSystem = KnownSystems.SourceRecordIdBase + "/demographics-conflict";

    /// <summary>Identifier system of the possible-match Flags; the value is derived from the sender's identifier and the NHS number.</summary>
    public const string PossibleMatchFlagSystem = KnownSystems.SourceRecordIdBase + "/possible-match";

    /// <summary>Code text of the possible-match Flags (what a person searching a work list looks for).</summary>
    public const string PossibleMatchFlagText = "Possible match, unverified NHS number";

    /// <summary>R4 core extension on Flag pointing at the record that explains it; here the stored Patient(s) it may be the same person as.</summary>
    public const string FlagDetailExtension = "http://hl7.org/fhir/StructureDefinition/flag-detail";

    private const string FlagCategorySystem = "http://terminology.hl7.org/CodeSystem/flag-category";

    /// <summary>More Patients than this sharing one NHS number is a data problem whichever way it is cut.</summary>
    private const int CandidateLimit = 20;

    /// <summary>Rewrites the Patient entries of <paramref name="transaction"/> and returns one warning per record not merged as sent.</summary>
    /// <exception cref="FhirException">400 for an invalid NHS number, 422 for a record that can neither merge nor be kept apart.</exception>
    public async Task<IReadOnlyList<OperationOutcome.IssueComponent>> CheckAsync(Bundle transaction, string source, CancellationToken ct)
    {
        RequireValidNhsNumbers(transaction);
        var warnings = new List<OperationOutcome.IssueComponent>();
        var refused = new OperationOutcome();
        foreach (var (entry, index) in transaction.Entry.Select((e, i) => (e, i)).ToList())
        {
            if (entry.Resource is not Patient incoming || NhsNumberVerification.NhsNumberOf(incoming) is not { } nhs) continue;
            nhs.Value = NhsNumber.Normalise(nhs.Value);
            var expression = $"Bundle.entry[{index}].resource";
            var candidates = await CandidatesAsync(nhs.Value!, ct);
            var decision = PatientMatchRule.Decide(incoming, candidates);
            switch (decision.Kind)
            {
                case PatientMatchKind.New:
                    break;
                case PatientMatchKind.Merge:
                case PatientMatchKind.SameSourceRecord:
                    var target = candidates.Single(c => c.Id == decision.TargetId);
                    Target(entry, $"_id={target.Id}");
                    KeepStoredStatusWhenNoneSent(nhs, target.Patient);
                    if (DemographicConflict(entry, incoming, target, transaction, source, expression) is { } conflict) warnings.Add(conflict);
                    break;
                case PatientMatchKind.KeptApart:
                    warnings.Add(KeepApart(entry, incoming, nhs, decision, transaction, source, expression));
                    break;
                case PatientMatchKind.Refused:
                    refused.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.BusinessRule,
                        $"NHS number {nhs.Value} is already on {Patients(decision.PossibleMatchIds)} but {decision.Reason}, so the record cannot be merged, " +
                        "and it carries no identifier of the sender's own (MRN, local id, person id) to keep it on a separate Patient. " +
                        "Send it with the number's verification status 01 once traced, or with the sender's own patient identifier.",
                        FhirErrorCode.InvalidRequest, expression));
                    break;
            }
        }
        if (refused.Issue.Count > 0) throw new FhirException(422, refused);
        return warnings;
    }

    private static void RequireValidNhsNumbers(Bundle transaction)
    {
        var outcome = new OperationOutcome();
        for (var e = 0; e < transaction.Entry.Count; e++)
        {
            if (transaction.Entry[e].Resource is not Patient patient) continue;
            for (var i = 0; i < patient.Identifier.Count; i++)
            {
                var identifier = patient.Identifier[i];
                if (identifier.System != KnownSystems.NhsNumber || NhsNumber.IsValid(identifier.Value)) continue;
                outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Invalid, NhsNumber.Explain(identifier.Value),
                    FhirErrorCode.InvalidNhsNumber, $"Bundle.entry[{e}].resource.identifier[{i}]"));
            }
        }
        if (outcome.Issue.Count > 0) throw new FhirException(400, outcome);
    }

    private async Task<List<PatientCandidate>> CandidatesAsync(string nhsNumber, CancellationToken ct)
    {
        var ids = await resolver.FindAsync("Patient", $"identifier={KnownSystems.NhsNumber}|{nhsNumber}", CandidateLimit, ct);
        var candidates = new List<PatientCandidate>();
        foreach (var id in ids)
            if (await ReadCandidateAsync(id, ct) is { } candidate) candidates.Add(candidate);
        return candidates;
    }

    private async Task<PatientCandidate?> ReadCandidateAsync(string id, CancellationToken ct)
    {
        var stored = await store.ReadAsync("Patient", id, ct);
        return stored?.Json is not null && FhirSerialization.ParseStored(stored.Json) is Patient patient ? new PatientCandidate(id, patient) : null;
    }

    /// <summary>
    /// Points the entry at one stored Patient, keeping its verb: a conditional update stays an update
    /// (R4 3.1.0.4.3), a conditional create stays "use it if it exists" (R4 3.1.0.8.1).
    /// </summary>
    private static void Target(Bundle.EntryComponent entry, string criteria)
    {
        if (entry.Request?.Method == Bundle.HTTPVerb.PUT)
            entry.Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"Patient?{criteria}" };
        else
            entry.Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient", IfNoneExist = criteria };
        if (entry.Resource is not null) entry.Resource.Id = null;
    }

    /// <summary>
    /// A sender that says nothing about the number's status (an A08 without PID-32) must not erase
    /// the status its own record already has; a status it does send is its current knowledge and wins.
    /// </summary>
    private static void KeepStoredStatusWhenNoneSent(Identifier incoming, Patient stored)
    {
        if (NhsNumberVerification.StatusOf(incoming) is not null) return;
        var storedNhs = NhsNumberVerification.NhsNumberOf(stored);
        if (storedNhs?.Value != incoming.Value || NhsNumberVerification.StatusOf(storedNhs) is not { } status || !NhsNumberVerification.IsKnown(status)) return;
        NhsNumberVerification.Set(incoming, status);
    }

    private OperationOutcome.IssueComponent KeepApart(Bundle.EntryComponent entry, Patient incoming, Identifier nhs, PatientMatchDecision decision,
        Bundle transaction, string source, string expression)
    {
        var own = decision.SourceIdentifier!;
        // Keyed on the sender's own identifier and the number (both must be on it: R4 search 3.1.1.4, repeated
        // parameters AND), so it cannot land on another Patient that happens to carry the same local id.
        // The sender's next message finds this Patient again as PatientMatchKind.SameSourceRecord.
        Target(entry, $"{IdentifierCriteria(own)}&{IdentifierCriteria(nhs)}");
        entry.FullUrl ??= $"urn:uuid:{Guid.NewGuid()}";
        var key = Hash($"{own.System}|{own.Value}|{nhs.Value}");
        var flag = new Flag
        {
            Identifier = [new Identifier(PossibleMatchFlagSystem, key)],
            Status = Flag.FlagStatus.Active,
            Category = [new CodeableConcept(FlagCategorySystem, "admin", "Administrative")],
            Code = new CodeableConcept
            {
                Text = $"{PossibleMatchFlagText}: {source} sent NHS number {nhs.Value}, already on {Patients(decision.PossibleMatchIds)}, but {decision.Reason}. " +
                       "Not merged: confirm the NHS number (PDS trace) and merge or separate by hand.",
            },
            Subject = new ResourceReference(entry.FullUrl),
            Period = new Period { StartElement = new FhirDateTime(time.GetUtcNow()) },
        };
        foreach (var id in decision.PossibleMatchIds)
            flag.Extension.Add(new Extension(FlagDetailExtension, new ResourceReference($"Patient/{id}")));
        transaction.Entry.Add(FlagEntry(flag, PossibleMatchFlagSystem, key));
        return new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Warning,
            Code = OperationOutcome.IssueType.BusinessRule,
            Diagnostics = $"NHS number {nhs.Value} is already on {Patients(decision.PossibleMatchIds)} but {decision.Reason}, so the record was not merged: " +
                          $"it is kept on a separate Patient identified by {own.System}|{own.Value}, and a Flag '{PossibleMatchFlagText}' was raised for review.",
            Expression = [expression],
        };
    }

    private OperationOutcome.IssueComponent? DemographicConflict(Bundle.EntryComponent entry, Patient incoming, PatientCandidate stored,
        Bundle transaction, string source, string expression)
    {
        var differences = Differences(stored.Patient, incoming);
        if (differences.Count == 0) return null;
        // Keep the stored Patient: a conditional create on its id matches it, so the entry's fullUrl
        // (and every reference to it) still resolves to the stored record.
        entry.Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient", IfNoneExist = $"_id={stored.Id}" };
        incoming.Id = null;
        var key = $"{stored.Id}-{Hash(source + "|" + string.Join("|", differences))}";
        transaction.Entry.Add(FlagEntry(new Flag
        {
            Identifier = [new Identifier(ConflictFlagSystem, key)],
            Status = Flag.FlagStatus.Active,
            Category = [new CodeableConcept(FlagCategorySystem, "admin", "Administrative")],
            Code = new CodeableConcept { Text = $"Conflicting demographics from {source}" },
            Subject = new ResourceReference($"Patient/{stored.Id}"),
            Period = new Period { StartElement = new FhirDateTime(time.GetUtcNow()) },
        }, ConflictFlagSystem, key));
        return new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Warning,
            Code = OperationOutcome.IssueType.BusinessRule,
            Diagnostics = $"Patient/{stored.Id} has the same NHS number but {string.Join(" and ", differences)}; the stored demographics were kept " +
                          $"and a Flag 'Conflicting demographics from {source}' was raised for review.",
            Expression = [expression],
        };
    }

    /// <summary>
    /// What contradicts: both sides must state a value (a missing one is not a conflict). Named by
    /// field only: the sender is told nothing of the stored record's values, which consent may
    /// withhold from it; the reviewer of the Flag compares the records.
    /// </summary>
    private static List<string> Differences(Patient stored, Patient incoming)
    {
        var differences = new List<string>();
        if (!string.IsNullOrEmpty(stored.BirthDate) && !string.IsNullOrEmpty(incoming.BirthDate) && stored.BirthDate != incoming.BirthDate)
            differences.Add("the birth date differs");
        var storedFamily = Family(stored);
        var incomingFamily = Family(incoming);
        if (storedFamily is not null && incomingFamily is not null && !string.Equals(storedFamily, incomingFamily, StringComparison.OrdinalIgnoreCase))
            differences.Add("the family name differs");
        return differences;
    }

    private static string? Family(Patient patient)
    {
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        return string.IsNullOrWhiteSpace(name?.Family) ? null : name.Family.Trim();
    }

    /// <summary>Conditional on its key: the same finding sent again finds the Flag already raised.</summary>
    private static Bundle.EntryComponent FlagEntry(Flag flag, string system, string key) => new()
    {
        FullUrl = $"urn:uuid:{Guid.NewGuid()}",
        Resource = flag,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Flag", IfNoneExist = $"identifier={system}|{key}" },
    };

    private static string Patients(IReadOnlyList<string> ids) => string.Join(", ", ids.Select(id => $"Patient/{id}"));

    /// <summary><c>identifier=system|value</c>, the value escaped (local ids are free text; R4 search 3.1.1.5.5).</summary>
    private static string IdentifierCriteria(Identifier identifier) =>
        $"identifier={Uri.EscapeDataString(identifier.System!)}|{Uri.EscapeDataString(identifier.Value!)}";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
