using Interop.Api.Fhir;
using Interop.Api.Security;
using Microsoft.Extensions.Primitives;

namespace Interop.Api.Audit;

/// <summary>
/// Endpoint filter on /fhir, run just before the handler: when the caller may read AuditEvents (a
/// privacy officer, a patient, a system token) and the request can answer with them, the audit
/// journal is first materialised up to now (<see cref="AuditMaterializer.CatchUpAsync"/>). So the
/// access log always shows every access answered before the query, although AuditEvents are built
/// after the response. A request can answer with AuditEvents when it names them (its path or query:
/// a read, search or history of AuditEvent, <c>_type</c>, <c>_revinclude</c>, <c>_has</c>), spans every
/// type (system search and history), includes by wildcard or by a reference of any type
/// (<see cref="MayAnswerWithAuditEvents"/>), or is a POST search (its parameters are in the body). Anything else (a patient app reading its own Patient, a
/// system token pulling a summary) does not wait for the materialiser: before 7 December 2026 every
/// read of these callers did, which held a patient app to about 230 reads a second on SQLite. Other
/// callers (clinicians, who never see AuditEvents) and writes pass straight through. A transaction or batch
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
                || Names(http.Request.Path.Value, http.Request.Query);
            // A POST search carries its parameters in the body, unread here: it is taken as able to.
            var postedSearch = interaction is FhirInteraction.SearchType && HttpMethods.IsPost(http.Request.Method);
            if (namesAuditEvents || postedSearch || IncludesAnyType(http.Request.Query))
                await CatchUpBeforeQueryAsync(http, namesAuditEvents);
        }
        return await next(invocation);
    }

    /// <summary>
    /// Whether a query (<paramref name="relativeUrl"/>: a Bundle entry's <c>Type/id</c>, <c>Type?criteria</c>
    /// or <c>?criteria</c>) can answer with AuditEvents: it names them, spans every type, or includes by
    /// wildcard or by a reference that may point at any type.
    /// </summary>
    public static bool MayAnswerWithAuditEvents(string? relativeUrl)
    {
        var url = relativeUrl ?? "";
        var q = url.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? url : url[..q];
        if (path.Length == 0 || path.StartsWith('_')) return true;   // system-level search or history
        var query = q < 0 ? [] : Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url[q..]);
        return Names(path, query) || IncludesAnyType(query);
    }

    /// <summary>The path, a parameter name or a value names AuditEvent (a read, search or history of it, <c>_type</c>, <c>_revinclude</c>, <c>_has</c>).</summary>
    private static bool Names(string? path, IEnumerable<KeyValuePair<string, StringValues>> query) =>
        Names(path) || query.Any(p => Names(p.Key) || p.Value.Any(Names));

    private static bool Names(string? text) => text?.Contains("AuditEvent", StringComparison.Ordinal) == true;

    /// <summary>
    /// <c>_include</c> of any kind (its target type may be left open, e.g. <c>Provenance:target</c>) or a
    /// wildcard <c>_revinclude</c>: either may bring AuditEvents without naming them.
    /// </summary>
    private static bool IncludesAnyType(IEnumerable<KeyValuePair<string, StringValues>> query) =>
        query.Any(p => p.Key.StartsWith("_include", StringComparison.Ordinal)
            || (p.Key.StartsWith("_revinclude", StringComparison.Ordinal) && p.Value.Any(v => v?.Contains('*') == true)));

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
