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
/// Checks the Patient entries an adapter hands to storage. Every NHS number must pass Modulus 11
/// (all failures reported at once, 400 INVALID_NHS_NUMBER). Records for one NHS number resolve to
/// one Patient (the adapters write Patients conditionally on it); when the incoming birth date or
/// family name contradicts the stored Patient, the stored one is kept (the entry becomes a
/// conditional create that matches it), a warning is returned, and a <c>Flag</c> asks a person to
/// look: a wrong demographic match is a clinical-safety hazard, silently overwriting one is worse.
/// </summary>
public sealed class PatientDemographicsGuard(ConditionalResolver resolver, ResourceStore store, TimeProvider time)
{
    /// <summary>Identifier system of the Flags raised here; the value makes a repeat of the same conflict find the same Flag.</summary>
    public const string ConflictFlagSystem = KnownSystems.SourceRecordIdBase + "/demographics-conflict";

    private const string FlagCategorySystem = "http://terminology.hl7.org/CodeSystem/flag-category";

    /// <summary>Rewrites conflicting Patient entries of <paramref name="transaction"/> and returns one warning per conflict.</summary>
    public async Task<IReadOnlyList<OperationOutcome.IssueComponent>> CheckAsync(Bundle transaction, string source, CancellationToken ct)
    {
        RequireValidNhsNumbers(transaction);
        var warnings = new List<OperationOutcome.IssueComponent>();
        foreach (var (entry, index) in transaction.Entry.Select((e, i) => (e, i)).ToList())
        {
            if (entry.Resource is not Patient incoming) continue;
            var nhsNumber = incoming.Identifier.FirstOrDefault(i => i.System == KnownSystems.NhsNumber)?.Value;
            if (nhsNumber is null) continue;
            var criteria = $"identifier={KnownSystems.NhsNumber}|{NhsNumber.Normalise(nhsNumber)}";
            var matches = await resolver.FindAsync("Patient", criteria, ct);
            if (matches.Count != 1) continue;
            var stored = await store.ReadAsync("Patient", matches[0], ct);
            if (stored?.Json is null || FhirSerialization.ParseStored(stored.Json) is not Patient existing) continue;
            var differences = Differences(existing, incoming);
            if (differences.Count == 0) continue;

            // Keep the stored Patient: a conditional create on the NHS number matches it, so the
            // entry's fullUrl (and every reference to it) still resolves to the stored record.
            entry.Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient", IfNoneExist = criteria };
            incoming.Id = null;
            transaction.Entry.Add(FlagEntry(matches[0], source, differences));
            warnings.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning,
                Code = OperationOutcome.IssueType.BusinessRule,
                Diagnostics = $"Patient/{matches[0]} has the same NHS number but {string.Join(" and ", differences)}; the stored demographics were kept " +
                              $"and a Flag 'Conflicting demographics from {source}' was raised for review.",
                Expression = [$"Bundle.entry[{index}].resource"],
            });
        }
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

    /// <summary>What contradicts: both sides must state a value (a missing one is not a conflict).</summary>
    private static List<string> Differences(Patient stored, Patient incoming)
    {
        var differences = new List<string>();
        if (!string.IsNullOrEmpty(stored.BirthDate) && !string.IsNullOrEmpty(incoming.BirthDate) && stored.BirthDate != incoming.BirthDate)
            differences.Add($"the incoming birth date {incoming.BirthDate} differs from the stored {stored.BirthDate}");
        var storedFamily = Family(stored);
        var incomingFamily = Family(incoming);
        if (storedFamily is not null && incomingFamily is not null && !string.Equals(storedFamily, incomingFamily, StringComparison.OrdinalIgnoreCase))
            differences.Add($"the incoming family name '{incomingFamily}' differs from the stored '{storedFamily}'");
        return differences;
    }

    private static string? Family(Patient patient)
    {
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        return string.IsNullOrWhiteSpace(name?.Family) ? null : name.Family.Trim();
    }

    private Bundle.EntryComponent FlagEntry(string patientId, string source, IReadOnlyList<string> differences)
    {
        var key = $"{patientId}-{Hash(source + "|" + string.Join("|", differences))}";
        var flag = new Flag
        {
            Identifier = [new Identifier(ConflictFlagSystem, key)],
            Status = Flag.FlagStatus.Active,
            Category = [new CodeableConcept(FlagCategorySystem, "admin", "Administrative")],
            Code = new CodeableConcept { Text = $"Conflicting demographics from {source}" },
            Subject = new ResourceReference($"Patient/{patientId}"),
            Period = new Period { StartElement = new FhirDateTime(time.GetUtcNow()) },
        };
        return new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{Guid.NewGuid()}",
            Resource = flag,
            // Conditional on its key: the same conflict sent again finds the Flag already raised.
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Flag", IfNoneExist = $"identifier={ConflictFlagSystem}|{key}" },
        };
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
