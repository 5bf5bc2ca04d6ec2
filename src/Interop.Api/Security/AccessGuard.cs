using Interop.Api.Fhir;
using Interop.Core.Access;
using Interop.Core.Fhir;
using Interop.Storage.Consent;
using Microsoft.Extensions.Options;

namespace Interop.Api.Security;

/// <summary>
/// The scope and role checks for one interaction on one resource type. Called by the endpoint
/// filter for plain interactions, and by handlers for transaction entries and operations.
/// </summary>
public sealed class AccessGuard(RequestContext context, IOptions<RoleAccessTable> roles, IOptions<ConsentOptions> consent, TimeProvider time)
{
    public static char PermissionFor(FhirInteraction interaction) => interaction switch
    {
        FhirInteraction.Read or FhirInteraction.VRead or FhirInteraction.HistoryInstance => 'r',
        FhirInteraction.SearchType or FhirInteraction.SearchSystem or FhirInteraction.HistoryType or FhirInteraction.HistorySystem => 's',
        FhirInteraction.Create => 'c',
        FhirInteraction.Update or FhirInteraction.Patch => 'u',
        FhirInteraction.Delete => 'd',
        _ => 'r',
    };

    /// <summary>Throws 403 INSUFFICIENT_SCOPE unless the caller may do <paramref name="permission"/> on <paramref name="resourceType"/>.</summary>
    public void Require(string resourceType, char permission)
    {
        if (!context.IsAuthenticated)
            throw new FhirException(401, Outcomes.Single(Hl7.Fhir.Model.OperationOutcome.IssueType.Login, "No bearer token was sent.", FhirErrorCode.Unauthenticated));
        if (Refusal(resourceType, permission) is { } reason)
            throw FhirException.Forbidden(reason, FhirErrorCode.InsufficientScope);
    }

    /// <summary>Why the caller may not do <paramref name="permission"/> on <paramref name="resourceType"/>, or null when it may.</summary>
    private string? Refusal(string resourceType, char permission)
    {
        if (!context.Scopes.Allows(resourceType, permission))
            return $"The token's scopes do not allow '{permission}' on {resourceType}; it needs {SmartScopeSet.Needed(context.ScopeContext, resourceType, permission)} (or a wildcard).";
        if (!roles.Value.Allows(context.Role, resourceType))
            return $"Role '{context.Role}' may not access {resourceType} resources.";
        if (resourceType == "Organization" && permission is 'c' or 'u' or 'd' && !context.IsAdministrator)
            return "Only the operator's system tokens (Auth:AdminOrganization) register or change participating Organizations.";
        if (resourceType == "AuditEvent" && permission is 'c' or 'u' or 'd')
            return "AuditEvent is written by the gateway only; clients may read and search it.";
        if (resourceType == "AuditEvent" && context.Role is not (KnownRoles.PrivacyOfficer or KnownRoles.Patient or KnownRoles.System))
            return "The access log is for privacy officers and, for their own record, patients.";
        return null;
    }

    /// <summary>Whether <see cref="Require"/> would pass, for operations that leave out what the caller may not see.</summary>
    public bool Allows(string resourceType, char permission) => context.IsAuthenticated && Refusal(resourceType, permission) is null;

    /// <summary>System-wide interactions (system history or search without _type) need a wildcard scope.</summary>
    public void RequireAllTypes(char permission) => Require("*", permission);

    /// <summary>
    /// What reads of <paramref name="resourceType"/> are confined to for this caller: the patient
    /// compartment for patient scopes, and consent for everyone but the operator's own system token.
    /// </summary>
    public ReadAccess ReadAccessFor(string resourceType, char permission)
    {
        var confined = ConfinedPatient(resourceType, permission);
        var excluded = context.IsAdministrator ? null
            : Hl7.Fhir.Model.ModelInfo.SupportedResources.Where(t => Refusal(t, permission) is not null).ToArray();
        if (context.IsAdministrator || !consent.Value.Enforce) return new ReadAccess(confined, null, excluded);
        var exempt = context.Role == KnownRoles.PrivacyOfficer ? new[] { "AuditEvent", "Consent" } : null;
        return new ReadAccess(confined, new ConsentAccess(
            context.Organization,
            context.PurposeOfUse,
            PatientCaller: context.Role == KnownRoles.Patient,
            BreakGlass: context.IsBreakGlass,
            DenyAllByDefault: consent.Value.DenyAll,
            Now: time.GetUtcNow(),
            ExemptTypes: exempt), excluded);
    }

    /// <summary>
    /// Whether the caller may change (update, patch, delete, or match in a conditional write) the
    /// existing <paramref name="type"/>/<paramref name="id"/>: only when it may read it, so a write is
    /// never a way to reach, overwrite or learn about withheld data (docs/consent.md, "Leak test
    /// suite"). Integrations (role <c>system</c>) are exempt: a hospital's ADT feed must reach the
    /// one record of a patient whatever the patient's preferences, or it would fork the record.
    /// A resource that does not exist is changeable (update as create).
    /// </summary>
    public async Task<bool> MayChangeAsync(Storage.ResourceStore store, string type, string id, CancellationToken ct)
    {
        if (context.Role == KnownRoles.System) return true;
        var access = ReadAccessFor(type, 'r');
        if (access.Consent is null && access.ConfinedPatient is null) return true;
        if (await store.ReadAsync(type, id, ct) is null) return true;
        return await store.ReadAsync(type, id, ct, access) is not null;
    }

    /// <summary>The patient the caller is confined to for this type, when its granting scopes are all patient/ scopes.</summary>
    public string? ConfinedPatient(string resourceType, char permission) =>
        context.Role == KnownRoles.Patient || context.Scopes.IsPatientConfined(resourceType, permission) ? context.PatientId ?? "-" : null;
}

/// <summary>Endpoint filter applying <see cref="AccessGuard"/> from the route's interaction metadata.</summary>
public sealed class ScopeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<FhirInteractionMetadata>()?.Interaction;
        if (interaction is null or FhirInteraction.Capabilities or FhirInteraction.Transaction or FhirInteraction.Operation)
            return await next(invocation);
        var guard = http.RequestServices.GetRequiredService<AccessGuard>();
        var permission = AccessGuard.PermissionFor(interaction.Value);
        if (http.GetRouteValue("type") is string type) guard.Require(type, permission);
        else guard.RequireAllTypes(permission);
        return await next(invocation);
    }
}
