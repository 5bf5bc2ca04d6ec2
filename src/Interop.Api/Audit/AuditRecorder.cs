using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Interop.Api.Audit;

/// <summary>
/// Turns one finished (or refused) request into its AuditEvent and waits until it is durable.
/// Called by <see cref="AuditFilter"/> for answers and by the exception handler for refusals, so
/// denials and failures are audited like successes.
/// </summary>
public sealed class AuditRecorder(AuditWriter writer, RequestContext who, AuditScope scope, InteropDbContext db, ResourceStore store, IOptions<ConsentOptions> consent)
{
    public async Task RecordAsync(HttpContext http, int status, FhirResponse? response, string? note = null)
    {
        if (!consent.Value.Enforce || scope.Written) return; // Consent:Enforce=false is the benchmark-only switch
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<FhirInteractionMetadata>()?.Interaction;
        if (interaction == FhirInteraction.Capabilities) return;
        if (!http.Request.Path.StartsWithSegments("/fhir") && !http.Request.Path.StartsWithSegments("/adapters")) return;
        scope.Written = true;

        var rows = (response?.ReleasedRows ?? []).Concat(scope.ReleasedRows).Distinct().ToArray();
        var patients = new HashSet<string>(scope.Patients, StringComparer.Ordinal);
        var released = new List<(string, string)>();
        if (rows.Length > 0)
        {
            foreach (var chunk in rows.Chunk(500))
            {
                patients.UnionWith(await db.Compartments.AsNoTracking().Where(c => chunk.Contains(c.ResourceRowId)).Select(c => c.PatientId).Distinct().ToListAsync());
                released.AddRange((await db.Resources.AsNoTracking().Where(r => chunk.Contains(r.Id)).Select(r => new { r.ResourceType, r.ResourceId }).ToListAsync())
                    .Select(r => (r.ResourceType, r.ResourceId)));
            }
        }
        if (http.GetRouteValue("type") as string == "Patient" && http.GetRouteValue("id") is string pid) patients.Add(pid);
        var ledger = await store.LedgerEntriesForAsync(patients, CancellationToken.None);
        var auditEvent = AuditEventBuilder.Build(http, who, interaction, status, patients, ledger, released, note ?? scope.Note);
        await writer.WriteAsync(auditEvent);
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
