using Interop.Api.Security;
using Interop.Core.Access;

namespace Interop.Api.Import;

/// <summary>
/// Who the <c>import</c> verb writes as: the operator's own system identity (the administrator
/// organisation, role <c>system</c>, <c>system/*.cruds</c>), the same caller a <c>POST /fhir</c> with
/// the operator's system token would be. The verb runs on the database host with its configuration,
/// so it is trusted like the migrate verb.
/// </summary>
public static class ImportIdentity
{
    public const string UserId = "interop-import";

    public static void Apply(RequestContext context, string adminOrganization)
    {
        context.IsAuthenticated = true;
        context.UserId = UserId;
        context.UserName = "Bulk import (command line)";
        context.Organization = adminOrganization;
        context.Role = KnownRoles.System;
        context.Scopes = SmartScopeSet.Parse("system/*.cruds");
        context.IsAdministrator = true;
        context.RequestId = $"import-{Guid.NewGuid():N}";
    }
}
