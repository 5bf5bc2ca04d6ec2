using System.Diagnostics;
using System.Security.Claims;
using Interop.Core.Access;
using Interop.Core.Fhir;
using Microsoft.Extensions.Options;

namespace Interop.Api.Security;

/// <summary>
/// Fills <see cref="RequestContext"/> from the validated token and refuses callers the gateway
/// does not know: an unregistered or inactive organisation, an unknown role or purpose, a
/// break-glass without its reason, a patient token without its patient.
/// </summary>
public sealed class RequestContextMiddleware(RequestDelegate next)
{
    public const string BreakGlassHeader = "X-Break-Glass-Reason";

    public async Task InvokeAsync(HttpContext http, RequestContext context, OrganizationRegistry registry, IOptions<AuthOptions> auth, IOptions<RoleAccessTable> roles)
    {
        context.RequestId = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
        var user = http.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            await PopulateAsync(http, context, user, registry, auth.Value, roles.Value);
            http.Items[Fhir.CrudHandlers.WriteContextKey] = context.Organization;
        }
        await next(http);
    }

    private static async Task PopulateAsync(HttpContext http, RequestContext context, ClaimsPrincipal user, OrganizationRegistry registry, AuthOptions auth, RoleAccessTable roles)
    {
        context.IsAuthenticated = true;
        context.UserId = user.FindFirstValue("sub") ?? "";
        context.UserName = user.FindFirstValue("name");
        context.TokenId = user.FindFirstValue("jti");
        context.Organization = user.FindFirstValue("org") ?? "";
        context.Role = user.FindFirstValue("role") ?? "";
        context.PatientId = user.FindFirstValue("patient");
        context.Scopes = SmartScopeSet.Parse(string.Join(' ', user.FindAll("scope").Select(c => c.Value)));
        var purpose = user.FindFirstValue("purpose_of_use");
        context.PurposeOfUse = string.IsNullOrEmpty(purpose) ? PurposeOfUse.Treatment : purpose;
        context.BreakGlassReason = http.Request.Headers[BreakGlassHeader].ToString() is { Length: > 0 } reason ? reason : null;

        var problems = new List<string>();
        if (string.IsNullOrEmpty(context.UserId)) problems.Add("The token has no 'sub' claim.");
        if (!roles.IsKnownRole(context.Role))
            problems.Add($"Role '{context.Role}' is not one this gateway knows ({string.Join(", ", roles.Access.Keys)}).");
        if (!PurposeOfUse.All.Contains(context.PurposeOfUse))
            problems.Add($"purpose_of_use '{context.PurposeOfUse}' is not one of {string.Join(", ", PurposeOfUse.All)}.");
        if (context.Role == KnownRoles.Patient && string.IsNullOrEmpty(context.PatientId))
            problems.Add("A patient token must carry the 'patient' claim naming the patient's own Patient id.");
        if (problems.Count > 0)
            throw FhirException.Forbidden(string.Join(" ", problems), FhirErrorCode.InsufficientScope);

        if (context.PurposeOfUse == PurposeOfUse.BreakTheGlass && context.BreakGlassReason is null)
            throw FhirException.Forbidden($"Break-glass (purpose_of_use BTG) needs a reason in the {BreakGlassHeader} header.", FhirErrorCode.BreakGlassReasonRequired);

        if (string.IsNullOrEmpty(context.Organization))
            throw FhirException.Forbidden("The token has no 'org' claim naming the requesting organisation's ODS code.", FhirErrorCode.OrganisationNotRegistered);
        context.IsAdministrator = context.Organization == auth.AdminOrganization && context.Role == KnownRoles.System;
        if (context.IsAdministrator) return;
        var registration = await registry.FindAsync(context.Organization, http.RequestAborted);
        if (registration is null)
            throw FhirException.Forbidden($"Organisation '{context.Organization}' is not a registered participating organisation.", FhirErrorCode.OrganisationNotRegistered);
        if (!registration.Active)
            throw FhirException.Forbidden($"Organisation '{context.Organization}' is registered but inactive.", FhirErrorCode.OrganisationNotRegistered);
        context.OrganizationResourceId = registration.ResourceId;
    }
}
