using Interop.Api.Fhir;
using Interop.Api.Security;

namespace Interop.Api.Audit;

/// <summary>
/// Endpoint filter on /fhir, run just before the handler: when the caller may read AuditEvents (a
/// privacy officer, a patient, a system token) and the interaction can answer with them (reads,
/// searches, history, operations and Bundles, which may hold GET entries), the audit journal is
/// first materialised up to now (<see cref="AuditMaterializer.CatchUpAsync"/>). So the access log
/// always shows every access answered before the query, although AuditEvents are built after the
/// response. Other callers (clinicians, who never see AuditEvents) and writes pass straight through.
/// </summary>
public sealed class AuditCatchUpFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<FhirInteractionMetadata>()?.Interaction;
        if (interaction is not (null or FhirInteraction.Capabilities or FhirInteraction.Create or FhirInteraction.Update
                or FhirInteraction.Patch or FhirInteraction.Delete)
            && http.RequestServices.GetRequiredService<AccessGuard>().Allows("AuditEvent", 'r'))
        {
            // A patient is shown only their own views, which are all stored first. Others who read
            // AuditEvents may see everyone's: a bounded number are stored first when the request names
            // AuditEvent or spans all types (not, say, before every Bundle a system token imports).
            var who = http.RequestServices.GetRequiredService<RequestContext>();
            var patient = who.Role == Interop.Core.Access.KnownRoles.Patient ? who.PatientId ?? "" : null;
            var namesAuditEvents = interaction is FhirInteraction.SearchSystem or FhirInteraction.HistorySystem
                || (http.Request.Path.Value ?? "").Contains("AuditEvent", StringComparison.Ordinal)
                || (http.Request.QueryString.Value ?? "").Contains("AuditEvent", StringComparison.Ordinal);
            await http.RequestServices.GetRequiredService<AuditMaterializer>().CatchUpAsync(http.RequestAborted, patient, allViews: patient is null && namesAuditEvents);
        }
        return await next(invocation);
    }
}
