using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Security;

/// <summary>
/// Participating organisations are FHIR Organizations registered in the gateway with an ODS code
/// identifier (contracts.md). Every request checks its organisation here, so answers are kept in
/// memory (<see cref="OrganizationRegistrationCache"/>): a registration changed through this
/// instance is seen by the next request, one changed through another instance once the entry is
/// <c>Auth:OrganizationCacheSeconds</c> old.
/// </summary>
public sealed class OrganizationRegistry(InteropDbContext db, OrganizationRegistrationCache cache)
{
    public sealed record Registration(string ResourceId, string OdsCode, bool Active, string? Type, string? Name);

    public Task<Registration?> FindAsync(string odsCode, CancellationToken ct) =>
        cache.GetOrLoadAsync(odsCode, () => LoadAsync(odsCode, ct));

    private async Task<Registration?> LoadAsync(string odsCode, CancellationToken ct)
    {
        // Should two Organizations carry the code, the first registered answers, every time.
        var found = await (
            from t in db.TokenIndex
            where t.ResourceType == "Organization" && t.ParamName == "identifier"
                  && t.System == KnownSystems.OdsOrganisationCode && t.Code == odsCode
            join r in db.Resources on t.ResourceRowId equals r.Id
            where r.IsCurrent && !r.IsDeleted
            orderby r.Id
            select new { r.ResourceId, r.Json }).FirstOrDefaultAsync(ct);
        if (found is null) return null;
        var org = (Organization)FhirSerialization.ParseStored(found.Json!);
        var type = org.Type.SelectMany(t => t.Coding).FirstOrDefault(c => c.System == KnownSystems.OrganisationType)?.Code;
        return new Registration(found.ResourceId, odsCode, org.Active ?? true, type, org.Name);
    }
}
