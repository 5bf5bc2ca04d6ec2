using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Operations.GpConnect;

/// <summary>
/// Assembles the <c>collection</c> Bundle of a structured record for one patient (GP Connect 1.6
/// "Structured record bundle"; UK domain notes 1.4): the Patient, the registered practice and usual
/// GP, then one List per area asked for with the items it names. Every read goes through
/// <see cref="ResourceStore.Visible"/> with the caller's <see cref="AccessGuard.ReadAccessFor"/>, so
/// consent, sensitive classes and patient confinement apply exactly as they do to a plain read.
/// </summary>
public sealed class GpConnectRecordBuilder(ResourceStore store, ConditionalResolver resolver, AccessGuard guard, string baseUrl, CancellationToken ct)
{
    private readonly BundleDocument _bundle = new() { Type = Bundle.BundleType.Collection };
    private readonly HashSet<string> _inBundle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _allowed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IReadOnlyList<GpConnectItem> Items, bool Withheld)> _rows = new(StringComparer.Ordinal);
    private readonly List<OperationOutcome.IssueComponent> _warnings = [];

    public async Task<BundleDocument> BuildAsync(StoredResource storedPatient, Patient patient, GpConnectRequest request, DateTimeOffset now)
    {
        var patientId = storedPatient.ResourceId;
        AddStored(storedPatient.RowId, "Patient", patientId, storedPatient.Json!);

        // The registered practice and usual GP, when the Patient names them and they are stored.
        foreach (var reference in patient.GeneralPractitioner.Append(patient.ManagingOrganization).OfType<ResourceReference>())
            await AddReferencedAsync(reference, "Organization");

        foreach (var spec in GpConnectAreas.For(request))
            await AddListAsync(spec, patientId, now);

        if (request.IncludeDiaryEntries)
            _warnings.Add(Outcomes.Issue(OperationOutcome.IssueType.NotSupported,
                "Diary entries (includeDiaryEntries) are not held by this gateway; no list is returned for them.",
                severity: OperationOutcome.IssueSeverity.Warning));

        if (_warnings.Count > 0)
        {
            var outcome = new OperationOutcome { Id = Guid.NewGuid().ToString(), Issue = _warnings };
            _bundle.Entries.Add(new BundleEntry { FullUrl = $"urn:uuid:{outcome.Id}", Resource = outcome });
        }
        return _bundle;
    }

    private async System.Threading.Tasks.Task AddListAsync(GpConnectListSpec spec, string patientId, DateTimeOffset now)
    {
        var list = new List
        {
            Id = Guid.NewGuid().ToString(),
            Status = List.ListStatus.Current,
            Mode = ListMode.Snapshot,
            Title = spec.Title,
            Code = new CodeableConcept(KnownSystems.Snomed, spec.Code, spec.Title),
            Subject = new ResourceReference($"Patient/{patientId}"),
            Date = new FhirDateTime(now).Value,
        };
        var items = new List<GpConnectItem>();
        var excluded = new List<string>();
        var withheld = false;
        foreach (var type in spec.Types)
        {
            if (!Allowed(type))
            {
                excluded.Add(type);
                continue;
            }
            var rows = await RowsAsync(type, patientId);
            withheld |= rows.Withheld;
            items.AddRange(rows.Items.Where(i => spec.Includes(i.Resource)));
        }
        IEnumerable<GpConnectItem> arranged = spec.Arrange is null ? items : spec.Arrange(items);

        foreach (var item in arranged)
        {
            var type = item.Resource.TypeName;
            var id = item.Resource.Id!;
            list.Entry.Add(new List.EntryComponent { Item = new ResourceReference($"{type}/{id}") });
            AddStored(item.RowId, type, id, item.Json);
            if (item.Resource is MedicationStatement { Medication: ResourceReference statementMedication })
                await AddReferencedAsync(statementMedication, "Medication");
            if (item.Resource is MedicationRequest { Medication: ResourceReference requestMedication })
                await AddReferencedAsync(requestMedication, "Medication");
        }

        if (list.Entry.Count == 0)
        {
            list.EmptyReason = excluded.Count > 0
                ? new CodeableConcept(GpConnectCodes.HL7ListEmptyReasonSystem, "withheld", "Withheld")
                : new CodeableConcept(GpConnectCodes.ListEmptyReasonSystem, GpConnectCodes.NoContentRecorded, "No Content Recorded");
            list.Note.Add(new Annotation { Text = new Markdown(GpConnectCodes.NoContentNote) });
        }
        if (withheld)
        {
            // GP Connect signals an omission without saying what or how many (domain notes 1.4, fact 5).
            list.Extension.Add(new Extension(GpConnectCodes.ListWarningCodeExtension, new Code(GpConnectCodes.ConfidentialItems)));
            list.Note.Add(new Annotation { Text = new Markdown(GpConnectCodes.ConfidentialItemsNote) });
            _warnings.Add(Outcomes.Issue(OperationOutcome.IssueType.Suppressed,
                $"{spec.Title}: {GpConnectCodes.ConfidentialItemsNote}", severity: OperationOutcome.IssueSeverity.Warning));
        }
        if (excluded.Count > 0)
        {
            var message = $"{spec.Title}: {string.Join(", ", excluded)} not included; the token's scopes or role do not allow reading them.";
            list.Note.Add(new Annotation { Text = new Markdown(message) });
            _warnings.Add(Outcomes.Issue(OperationOutcome.IssueType.Suppressed, message, FhirErrorCode.InsufficientScope,
                severity: OperationOutcome.IssueSeverity.Warning));
        }
        _bundle.Entries.Add(new BundleEntry { FullUrl = $"urn:uuid:{list.Id}", Resource = list });
    }

    /// <summary>
    /// The visible current items of one type in the patient's compartment, and whether any item of
    /// that type is withheld from this caller: an EXISTS over all rows minus the visible ones, so
    /// nothing about the withheld items but the fact leaves the database.
    /// </summary>
    private async Task<(IReadOnlyList<GpConnectItem> Items, bool Withheld)> RowsAsync(string type, string patientId)
    {
        if (_rows.TryGetValue(type, out var cached)) return cached;
        var access = guard.ReadAccessFor(type, 'r');
        var rows = await InCompartment(store.Visible(access), type, patientId)
            .OrderBy(r => r.Id).Select(r => new { r.Id, r.Json }).ToListAsync(ct);
        var items = rows.Select(r => new GpConnectItem(r.Id, r.Json!, FhirSerialization.ParseStored(r.Json!))).ToList();

        var withheld = false;
        // A patient is not told that items marked "do not disclose to patient" exist.
        if (access.Consent is { PatientCaller: false })
        {
            var visible = InCompartment(store.Visible(access), type, patientId).Select(r => r.Id);
            withheld = await InCompartment(store.Db.Resources.AsNoTracking(), type, patientId).AnyAsync(r => !visible.Contains(r.Id), ct);
        }
        return _rows[type] = (items, withheld);
    }

    private IQueryable<ResourceVersionRow> InCompartment(IQueryable<ResourceVersionRow> rows, string type, string patientId) =>
        rows.InPatientCompartment(store.Db, patientId, [type]).Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted);

    /// <summary>Adds a referenced resource (practice, GP, medication) when stored, visible and allowed; a literal
    /// <c>Type/id</c> reference or, for organisations, an ODS code identifier.</summary>
    private async System.Threading.Tasks.Task AddReferencedAsync(ResourceReference reference, string defaultType)
    {
        string? type = null, id = null;
        if (reference.Reference is { } literal && literal.Split('/') is [var t, var i] && ModelInfo.IsKnownResource(t))
        {
            (type, id) = (t, i);
        }
        else if (reference.Identifier is { System: KnownSystems.OdsOrganisationCode, Value: { } ods })
        {
            type = reference.Type ?? defaultType;
            if (type != "Organization") return;
            var matches = await resolver.FindAsync(type, $"identifier={KnownSystems.OdsOrganisationCode}|{ods}", ct);
            if (matches.Count != 1) return;
            id = matches[0];
        }
        if (type is null || id is null || _inBundle.Contains($"{type}/{id}")) return;
        if (!Allowed(type))
        {
            _warnings.Add(Outcomes.Issue(OperationOutcome.IssueType.Suppressed,
                $"{type}/{id} is referenced but not included; the token's scopes or role do not allow reading {type}.",
                FhirErrorCode.InsufficientScope, severity: OperationOutcome.IssueSeverity.Warning));
            return;
        }
        var stored = await store.ReadAsync(type, id, ct, guard.ReadAccessFor(type, 'r'));
        if (stored is { IsDeleted: false, Json: { } json }) AddStored(stored.RowId, type, id, json);
    }

    private void AddStored(long rowId, string type, string id, string json)
    {
        if (!_inBundle.Add($"{type}/{id}")) return;
        // RowId lets the audit trail name every released resource (AuditFilter reads it from the response).
        _bundle.Entries.Add(new BundleEntry { RowId = rowId, FullUrl = $"{baseUrl}/{type}/{id}", Json = json });
    }

    /// <summary>Whether the caller's scopes and role allow reading <paramref name="type"/> (AccessGuard.Require, remembered per type).</summary>
    private bool Allowed(string type)
    {
        if (_allowed.TryGetValue(type, out var allowed)) return allowed;
        try
        {
            guard.Require(type, 'r');
            allowed = true;
        }
        catch (FhirException)
        {
            allowed = false;
        }
        return _allowed[type] = allowed;
    }
}
