using Hl7.Fhir.Model;
using Interop.Adapters.Hl7v2;
using Interop.Api.Audit;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Storage;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Adapters;

/// <summary>
/// Applies ADT^A40 merges (domain notes 5.1) inside the message's transaction: the retired Patient
/// gets <c>link.type = replaced-by</c> and <c>active = false</c>, the survivor <c>replaces</c>
/// (FHIR R4 patient.html#links), and every current resource in the retired patient's compartment
/// gets a new version whose references to the retired Patient point at the survivor. History keeps
/// the old versions, so the merge can be audited and undone by hand. The retired patient's access log
/// follows the record: the survivor gets a copy of each of the retired patient's views of an access
/// (<see cref="CopyAccessLogAsync"/>).
/// </summary>
public sealed class PatientMergeApplier(ResourceStore store, ConditionalResolver resolver, AccessGuard guard, TimeProvider time)
{
    /// <summary>Applies every merge; returns warnings (table 0357 code 204) for retired identifiers no stored Patient has.</summary>
    public async Task<IReadOnlyList<Hl7v2Problem>> ApplyAsync(IReadOnlyList<Hl7v2Merge> merges, HttpContext http, CancellationToken ct)
    {
        var problems = new List<Hl7v2Problem>();
        if (merges.Count == 0) return problems;
        var context = CrudHandlers.WriteContextFor(http);
        foreach (var merge in merges)
        {
            var survivors = await resolver.FindAsync("Patient", Criteria(merge.Surviving), ct);
            if (survivors.Count != 1)
            {
                problems.Add(Warning($"The surviving patient {merge.Surviving} matches {survivors.Count} stored Patients; the merge was not applied.", "PID", 3));
                continue;
            }
            var survivorId = survivors[0];
            foreach (var retiredKey in merge.Retired)
            {
                var retiredIds = (await resolver.FindAsync("Patient", Criteria(retiredKey), ct)).Where(id => id != survivorId).ToList();
                if (retiredIds.Count == 0)
                {
                    problems.Add(Warning($"No stored patient other than the survivor has {retiredKey}; nothing to merge.", "MRG", 1));
                    continue;
                }
                foreach (var retiredId in retiredIds)
                {
                    guard.Require("Patient", 'u');
                    await LinkAsync(retiredId, survivorId, Patient.LinkType.ReplacedBy, retire: true, context, ct);
                    var newlyMerged = await LinkAsync(survivorId, retiredId, Patient.LinkType.Replaces, retire: false, context, ct);
                    await RepointAsync(retiredId, survivorId, context, ct);
                    // A repeated merge of the same pair (another message) does not copy the log again.
                    if (newlyMerged) await CopyAccessLogAsync(retiredId, survivorId, ct);
                }
            }
        }
        return problems;
    }

    private static string Criteria(Hl7v2PatientIdentifier identifier) =>
        $"identifier={Uri.EscapeDataString(identifier.System)}|{Uri.EscapeDataString(identifier.Value)}";

    private static Hl7v2Problem Warning(string text, string segment, int field) =>
        new(Hl7v2Severity.Warning, Hl7v2ErrorCode.UnknownKeyIdentifier, text, segment, 1, field);

    /// <summary>Links <paramref name="patientId"/> to <paramref name="otherId"/>; true when the link is new.</summary>
    private async Task<bool> LinkAsync(string patientId, string otherId, Patient.LinkType type, bool retire, WriteContext context, CancellationToken ct)
    {
        var stored = await store.ReadAsync("Patient", patientId, ct);
        if (stored?.Json is null || FhirSerialization.ParseStored(stored.Json) is not Patient patient) return false;
        var other = $"Patient/{otherId}";
        var added = !patient.Link.Any(l => l.Type == type && l.Other?.Reference == other);
        if (added) patient.Link.Add(new Patient.LinkComponent { Other = new ResourceReference(other), Type = type });
        if (retire) patient.Active = false;
        await store.StageUpdateAsync(patient, null, context, "PUT", ct);
        return added;
    }

    /// <summary>
    /// The retired patient's access log, copied into the survivor's: each of the retired patient's views
    /// of an access (stored, or still waiting in either pending table) becomes a view for the
    /// survivor (<see cref="AuditEventBuilder.ViewForSurvivor"/>), waiting like any other until that
    /// patient asks (decision 0008). So a patient app of the surviving record lists who looked at the
    /// record that was merged into it; the retired patient's log and the full events stay as they were.
    /// </summary>
    private async System.Threading.Tasks.Task CopyAccessLogAsync(string retiredId, string survivorId, CancellationToken ct)
    {
        var db = store.Db;
        // The retired patient's stored views (their _tag), not the full events that share the compartment.
        var asJson = await db.Resources.AsNoTracking().InPatientCompartment(db, retiredId, ["AuditEvent"])
            .Where(r => r.IsCurrent && !r.IsDeleted
                && db.TokenIndex.Any(t => t.ResourceRowId == r.Id && t.ParamName == "_tag" && t.System == KnownAudit.View && t.Code == KnownAudit.PatientView))
            .OrderBy(r => r.Id).Select(r => r.Json).ToListAsync(ct);
        // Waiting views: as FHIR JSON (the earlier form, earlier merges' copies), or as what each is built from.
        asJson.AddRange(await db.AuditPendingViews.AsNoTracking().Where(v => v.PatientId == retiredId)
            .OrderBy(v => v.Id).Select(v => v.Json).ToListAsync(ct));
        var compact = await db.AuditViewSources.AsNoTracking().Where(v => v.PatientId == retiredId)
            .OrderBy(v => v.Id).Select(v => v.Json).ToListAsync(ct);
        var views = asJson.OfType<string>().Select(FhirSerialization.ParseStored).OfType<AuditEvent>()
            .Concat(compact.Select(json => PendingView.ToAuditEvent(json, retiredId)));
        var mergedAt = time.GetUtcNow();
        var copies = new List<AuditPendingViewRow>();
        foreach (var view in views)
        {
            if (AuditEventBuilder.ViewForSurvivor(view, retiredId, survivorId, mergedAt) is not { } copy) continue;
            copies.Add(new AuditPendingViewRow
            {
                PatientId = survivorId,
                RecordedAt = Instants.ToStored(copy.Recorded ?? mergedAt),
                Json = FhirSerialization.ToJson(copy),
            });
        }
        await db.InsertPendingViewsAsync(copies, ct);
    }

    /// <summary>
    /// New versions of the retired patient's compartment pointing at the survivor; Patients aside, and
    /// AuditEvents aside: they record accesses to the retired record as they happened, and only the
    /// gateway writes them (before, any merge of a record that had ever been read was refused).
    /// </summary>
    private async System.Threading.Tasks.Task RepointAsync(string retiredId, string survivorId, WriteContext context, CancellationToken ct)
    {
        var db = store.Db;
        var rows = await db.Resources.AsNoTracking().InPatientCompartmentExcept(db, retiredId, "AuditEvent")
            .Where(r => r.IsCurrent && !r.IsDeleted && r.ResourceType != "Patient" && r.ResourceType != "AuditEvent")
            .Select(r => new { r.ResourceType, r.Json }).ToListAsync(ct);
        var retired = $"Patient/{retiredId}";
        foreach (var row in rows)
        {
            if (row.Json is null) continue;
            var resource = FhirSerialization.ParseStored(row.Json);
            var changed = false;
            foreach (var reference in ReferenceWalker.All(resource).Where(r => r.Reference == retired))
            {
                reference.Reference = $"Patient/{survivorId}";
                changed = true;
            }
            if (!changed) continue;
            guard.Require(row.ResourceType, 'u');
            await store.StageUpdateAsync(resource, null, context, "PUT", ct);
        }
    }
}
