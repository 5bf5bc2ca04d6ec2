using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Access;
using Interop.Core.Fhir;
using Interop.Storage;

namespace Interop.Api.Operations;

/// <summary>
/// <c>POST /fhir/AuditEvent/{id}/$mark-reviewed</c>: a privacy officer marks a break-glass access as
/// reviewed. The gateway writes the new version (clients never write AuditEvents); the request
/// itself is audited like any other. Pending ones are found with
/// <c>AuditEvent?_tag=https://interop.example/CodeSystem/break-glass-review|pending</c>.
/// </summary>
public static class BreakGlassReview
{
    public static async Task<IResult> MarkReviewed(string id, HttpContext http, ResourceStore store, RequestContext who, AccessGuard guard, CancellationToken ct)
    {
        FhirRoutes.RequireValidId(id);
        guard.Require("AuditEvent", 'r');
        if (who.Role != KnownRoles.PrivacyOfficer)
            throw FhirException.Forbidden("Only a privacy officer marks break-glass access as reviewed.", FhirErrorCode.InsufficientScope);
        var stored = await store.ReadAsync("AuditEvent", id, ct) ?? throw FhirException.NotFound($"AuditEvent/{id} is not known.");
        var audit = (AuditEvent)FhirSerialization.ParseStored(stored.Json!);
        var pending = audit.Meta?.Tag.FirstOrDefault(t => t.System == KnownAudit.Review && t.Code == "pending")
            ?? throw FhirException.BadRequest($"AuditEvent/{id} is not a break-glass access awaiting review.");
        audit.Meta!.Tag.Remove(pending);
        audit.Meta.Tag.Add(new Coding(KnownAudit.Review, "reviewed", $"Reviewed by {who.UserName ?? who.UserId} ({who.Organization})"));
        var (updated, _) = await store.UpdateAsync(audit, stored.VersionId, WriteContext.System, "PUT", ct);
        return FhirResponse.Of(updated);
    }
}
