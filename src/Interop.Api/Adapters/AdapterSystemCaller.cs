using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Access;
using Interop.Core.Fhir;

namespace Interop.Api.Adapters;

/// <summary>
/// Work the gateway does on its own behalf (HL7 v2 over MLLP, pulling a GP record) runs through
/// the same transaction path as a FHIR client's request, so it needs what a request has: a
/// <see cref="RequestContext"/> (who, for consent and audit) and an <see cref="HttpContext"/> (the
/// custodian written on each version). This builds both for a system identity of one organisation.
/// </summary>
public static class AdapterSystemCaller
{
    /// <summary>
    /// Fills the scope's <see cref="RequestContext"/> as a <c>system</c> caller of
    /// <paramref name="odsCode"/> allowed to create, read and update every type, and returns an
    /// <see cref="HttpContext"/> bound to <paramref name="scopedServices"/>.
    /// </summary>
    /// <param name="scopedServices">The scope the work runs in (its RequestContext is filled).</param>
    /// <param name="odsCode">The organisation acting (custodian of what is written).</param>
    /// <param name="userId">Who acts, for the audit trail (e.g. <c>mllp</c>).</param>
    /// <param name="requireRegistered">When true, <paramref name="odsCode"/> must be a registered, active participating organisation (403 ORGANISATION_NOT_REGISTERED otherwise).</param>
    /// <param name="ct">Cancels the registry lookup.</param>
    public static async Task<HttpContext> CreateAsync(IServiceProvider scopedServices, string odsCode, string userId, bool requireRegistered, CancellationToken ct)
    {
        var context = scopedServices.GetRequiredService<RequestContext>();
        context.IsAuthenticated = true;
        context.UserId = userId;
        context.UserName = userId;
        context.Organization = odsCode;
        context.Role = KnownRoles.System;
        context.Scopes = SmartScopeSet.Parse("system/*.cru");
        context.RequestId = Guid.NewGuid().ToString("N");
        var registration = await scopedServices.GetRequiredService<OrganizationRegistry>().FindAsync(odsCode, ct);
        if (requireRegistered && registration is not { Active: true })
            throw FhirException.Forbidden($"Organisation '{odsCode}' is not a registered, active participating organisation.", FhirErrorCode.OrganisationNotRegistered);
        context.OrganizationResourceId = registration?.ResourceId;

        var http = new DefaultHttpContext { RequestServices = scopedServices };
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost");
        http.Items[CrudHandlers.WriteContextKey] = odsCode;
        return http;
    }
}
