using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Storage;
using Interop.Storage.Consent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Interop.Api.Audit;

/// <summary>
/// Turns one finished (or refused) request into its AuditEvents and waits until they are durable:
/// the full event, and one view per patient concerned for that patient's own access log
/// (<see cref="AuditEventBuilder"/>). Called by <see cref="AuditFilter"/> for answers and by the
/// exception handler for refusals, so denials and failures are audited like successes.
/// </summary>
public sealed class AuditRecorder(AuditWriter writer, RequestContext who, AuditScope scope, InteropDbContext db, ResourceStore store, IOptions<ConsentOptions> consent)
{
    /// <summary>A released resource: which patients' compartments hold it, and whether a patient may be shown it (not NOPAT).</summary>
    private sealed record Released(string Type, string Id, bool DisclosableToPatient)
    {
        public List<string> Patients { get; } = [];
    }

    public async Task RecordAsync(HttpContext http, int status, FhirResponse? response, string? note = null)
    {
        if (!consent.Value.Enforce || scope.Written) return; // Consent:Enforce=false is the benchmark-only switch
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<FhirInteractionMetadata>()?.Interaction;
        if (interaction == FhirInteraction.Capabilities) return;
        if (!http.Request.Path.StartsWithSegments("/fhir") && !http.Request.Path.StartsWithSegments("/adapters")) return;
        scope.Written = true;

        var rows = (response?.ReleasedRows ?? []).Concat(scope.ReleasedRows).Distinct().ToArray();
        var patients = new HashSet<string>(scope.Patients, StringComparer.Ordinal);
        var released = new List<Released>();
        foreach (var chunk in rows.Chunk(500))
        {
            // One query per 500 rows: each row with its compartments (a left join) and whether the
            // patient's own disclosure rule (ConsentFilter) lets a patient be shown it. A single row
            // (a read) is matched by equality: EF Core caches the SQL of that shape, not of a list.
            var single = chunk[0];
            var inChunk = chunk.Length == 1 ? db.Resources.Where(r => r.Id == single) : db.Resources.Where(r => chunk.Contains(r.Id));
            var disclosable = ConsentFilter.DisclosableToPatient(inChunk, db).Select(d => d.Id);
            var items = await (
                from r in inChunk.AsNoTracking()
                from c in db.Compartments.Where(c => c.ResourceRowId == r.Id).DefaultIfEmpty()
                select new { r.Id, r.ResourceType, r.ResourceId, Disclosable = disclosable.Contains(r.Id), PatientId = (string?)c!.PatientId })
                .ToListAsync();
            foreach (var item in items.GroupBy(i => i.Id))
            {
                var first = item.First();
                var entry = new Released(first.ResourceType, first.ResourceId, first.Disclosable);
                entry.Patients.AddRange(item.Select(i => i.PatientId).OfType<string>().Distinct(StringComparer.Ordinal));
                patients.UnionWith(entry.Patients);
                released.Add(entry);
            }
        }
        if (http.GetRouteValue("type") as string == "Patient" && http.GetRouteValue("id") is string pid) patients.Add(pid);
        var ledger = await store.LedgerEntriesForAsync(patients, CancellationToken.None);
        var recorded = DateTimeOffset.UtcNow;
        note ??= scope.Note;

        var events = new List<Hl7.Fhir.Model.AuditEvent>(1 + patients.Count)
        {
            AuditEventBuilder.Build(http, who, interaction, status, recorded, patients,
                ledger.SelectMany(g => g).Distinct().ToList(), released.Select(r => (r.Type, r.Id)).ToList(), note),
        };
        // Each patient's view names only what that patient may see of their own record, so a patient
        // searching their access log by any parameter (patient, entity, _id, ...) finds nothing else.
        foreach (var patient in patients.Order(StringComparer.Ordinal))
        {
            var own = released.Where(r => r.DisclosableToPatient && r.Patients.Contains(patient)).Select(r => (r.Type, r.Id)).ToList();
            events.Add(AuditEventBuilder.BuildPatientView(who, interaction, status, recorded, patient, [.. ledger[patient]], own, note));
        }
        await writer.WriteAsync(events);
    }
}

/// <summary>Endpoint filter on /fhir: audits each answer before it is written to the client.</summary>
public sealed class AuditFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        var http = invocation.HttpContext;
        var recorder = http.RequestServices.GetRequiredService<AuditRecorder>();
        if (result is FhirResponse fhir) await recorder.RecordAsync(http, fhir.StatusCode, fhir);
        else await recorder.RecordAsync(http, 200, null);
        return result;
    }
}
