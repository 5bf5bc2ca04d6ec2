using Interop.Core.Access;

namespace Interop.Api.Security;

/// <summary>
/// Who is asking, for what purpose: taken from the validated token once per request and read by
/// every later stage (scopes, consent, audit). Scoped to the request.
/// </summary>
public sealed class RequestContext
{
    public bool IsAuthenticated { get; set; }

    public string UserId { get; set; } = "";

    public string? UserName { get; set; }

    /// <summary>ODS code of the requesting organisation (<c>org</c> claim).</summary>
    public string Organization { get; set; } = "";

    /// <summary>Logical id of the registered Organization resource, when there is one.</summary>
    public string? OrganizationResourceId { get; set; }

    public string Role { get; set; } = "";

    public string PurposeOfUse { get; set; } = Core.Access.PurposeOfUse.Treatment;

    /// <summary>The patient's own Patient id, with <c>role=patient</c>.</summary>
    public string? PatientId { get; set; }

    public SmartScopeSet Scopes { get; set; } = new([]);

    public string? TokenId { get; set; }

    public string RequestId { get; set; } = "";

    /// <summary>The X-Break-Glass-Reason given with purpose BTG.</summary>
    public string? BreakGlassReason { get; set; }

    public bool IsBreakGlass => PurposeOfUse == Core.Access.PurposeOfUse.BreakTheGlass && !string.IsNullOrWhiteSpace(BreakGlassReason);

    /// <summary>True for the operator's own system tokens (Auth:AdminOrganization).</summary>
    public bool IsAdministrator { get; set; }

    /// <summary>The SMART context letter prefix this caller's scopes use (patient/user/system).</summary>
    public string ScopeContext => Role switch
    {
        KnownRoles.Patient => "patient",
        KnownRoles.System => "system",
        _ => "user",
    };
}
