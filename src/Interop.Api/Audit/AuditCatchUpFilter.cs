using Interop.Api.Fhir;
using Interop.Api.Security;

namespace Interop.Api.Audit;

/// <summary>
/// Endpoint filter on /fhir, run just before the handler: when the caller may read AuditEvents (a
/// privacy officer, a patient, a system token) and the interaction can answer with them (reads,
/// searches, history and operations), the audit journal is first materialised up to now
/// (<see cref="AuditMaterializer.CatchUpAsync"/>). So the access log always shows every access
/// answered before the query, although AuditEvents are built after the response. Other callers
/// (clinicians, who never see AuditEvents) and writes pass straight through. A transaction or batch
/// Bundle answers with resources only through its GET entries, so <see cref="Fhir.BundleProcessor"/>
/// catches up itself (<see cref="CatchUpBeforeQueryAsync"/>) when the Bundle has one: an import of
/// creates does not wait for the AuditEvents of every request before it.
/// </summary>
public sealed class AuditCatchUpFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<FhirInteractionMetadata>()?.Interaction;
        if (interaction is not (null or FhirInteraction.Capabilities or FhirInteraction.Create or FhirInteraction.Update
                or FhirInteraction.Patch or FhirInteraction.Delete or FhirInteraction.Transaction))
        {
            var namesAuditEvents = interaction is FhirInteraction.SearchSystem or FhirInteraction.HistorySystem
                || (http.Request.Path.Value ?? "").Contains("AuditEvent", StringComparison.Ordinal)
                || (http.Request.QueryString.Value ?? "").Contains("AuditEvent", StringComparison.Ordinal);
            await CatchUpBeforeQueryAsync(http, namesAuditEvents);
        }
        return await next(invocation);
    }

    /// <summary>
    /// Brings the AuditEvents the caller may be shown up to date before a query of this request runs,
    /// when the caller may read AuditEvents at all. <paramref name="namesAuditEvents"/>: the query
    /// names AuditEvent or spans every type, so a privacy officer's or system token's also stores
    /// waiting patients' views (decision 0008).
    /// </summary>
    public static async Task CatchUpBeforeQueryAsync(HttpContext http, bool namesAuditEvents)
    {
        if (!http.RequestServices.GetRequiredService<AccessGuard>().Allows("AuditEvent", 'r')) return;
        // A patient is shown only their own views, which are all stored first. Others who read
        // AuditEvents may see everyone's: a bounded number are stored first when the request names
        // AuditEvent or spans all types (not, say, before every Bundle a system token imports).
        var who = http.RequestServices.GetRequiredService<RequestContext>();
        var patient = who.Role == Interop.Core.Access.KnownRoles.Patient ? who.PatientId ?? "" : null;
        await http.RequestServices.GetRequiredService<AuditMaterializer>().CatchUpAsync(http.RequestAborted, patient, allViews: patient is null && namesAuditEvents);
    }
}
