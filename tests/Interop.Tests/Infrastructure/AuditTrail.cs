using System.Diagnostics;
using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Microsoft.EntityFrameworkCore;

namespace Interop.Tests.Infrastructure;

/// <summary>
/// Finds the AuditEvent of a given request, straight from the database (reading them over HTTP
/// would itself be audited). A request is tagged by the W3C <c>traceparent</c> it is sent with:
/// the gateway adopts the caller's trace id as the request id it records in the AuditEvent's
/// <c>X-Request-Id</c> entity detail.
/// </summary>
public static class AuditTrail
{
    /// <summary>A fresh trace id and the <c>traceparent</c> header value that carries it (W3C Trace Context, version 00, sampled).</summary>
    public static (string TraceId, string TraceParent) NewTrace()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        return (traceId, $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
    }

    /// <summary>How many full AuditEvents (patient views left out) the database holds per request id.</summary>
    public static async Task<Dictionary<string, int>> CountByRequestIdAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var rows = await db.Resources.AsNoTracking().Where(r => r.ResourceType == "AuditEvent" && r.IsCurrent).Select(r => r.Json).ToListAsync();
        return rows.Where(json => json is not null)
            .Select(json => (AuditEvent)FhirSerialization.ParseStored(json!))
            // The full event only: each patient concerned also gets a view carrying the same request id.
            .Where(e => !(e.Meta?.Tag ?? []).Any(t => t.System == Interop.Api.Audit.KnownAudit.View))
            .SelectMany(e => e.Entity.SelectMany(entity => entity.Detail))
            .Where(d => d.Type == "X-Request-Id")
            .Select(d => (d.Value as FhirString)?.Value)
            .OfType<string>()
            .GroupBy(requestId => requestId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }
}
