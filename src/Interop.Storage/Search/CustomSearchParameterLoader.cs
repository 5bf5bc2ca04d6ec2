using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Interop.Storage.Search;

/// <summary>
/// Loads the stored SearchParameter resources into the registry at start-up, so every gateway
/// instance on one database indexes and searches the same custom parameters.
/// </summary>
public sealed class CustomSearchParameterLoader(InteropDbContext db, ResourceIndexer indexer, ILogger<CustomSearchParameterLoader> logger)
{
    public async Task<int> LoadAsync(CancellationToken ct)
    {
        var stored = await db.Resources.AsNoTracking()
            .Where(r => r.ResourceType == "SearchParameter" && r.IsCurrent && !r.IsDeleted)
            .OrderBy(r => r.Id).Select(r => r.Json!).ToListAsync(ct);
        var loaded = 0;
        foreach (var json in stored)
        {
            try
            {
                indexer.Register((SearchParameter)FhirSerialization.ParseStored(json));
                loaded++;
            }
            catch (FhirException ex)
            {
                logger.LogWarning("A stored SearchParameter could not be registered: {Problem}", ex.Message);
            }
        }
        return loaded;
    }
}
