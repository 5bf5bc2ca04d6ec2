using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Security;

/// <summary>
/// Participating organisations are FHIR Organizations registered in the gateway with an ODS code
/// identifier (contracts.md). Looked up in the database on each request: no cache that could
/// disagree between instances.
/// </summary>
public sealed class OrganizationRegistry(InteropDbContext db)
{
    public sealed record Registration(string ResourceId, string OdsCode, bool Active, string? Type, string? Name);

    public async Task<Registration?> FindAsync(string odsCode, CancellationToken ct)
    {
        var rows = await (
            from t in db.TokenIndex
            where t.ResourceType == "Organization" && t.ParamName == "identifier"
                  && t.System == KnownSystems.OdsOrganisationCode && t.Code == odsCode
            join r in db.Resources on t.ResourceRowId equals r.Id
            where r.IsCurrent && !r.IsDeleted
            select new { r.ResourceId, r.Json }).Take(2).ToListAsync(ct);
        if (rows.Count == 0) return null;
        var org = (Organization)FhirSerialization.ParseStored(rows[0].Json!);
        var type = org.Type.SelectMany(t => t.Coding).FirstOrDefault(c => c.System == KnownSystems.OrganisationType)?.Code;
        return new Registration(rows[0].ResourceId, odsCode, org.Active ?? true, type, org.Name);
    }
}
