using Interop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Hosting;

/// <summary>Seeds <see cref="DemoData"/> into an empty database (Development only, see Program).</summary>
public sealed class DemoDataSeeder(ResourceStore store, ILogger<DemoDataSeeder> logger)
{
    public async Task SeedIfEmptyAsync(CancellationToken ct = default)
    {
        if (await store.Db.Resources.AnyAsync(ct)) return;
        var count = 0;
        foreach (var resource in DemoData.Resources())
        {
            await store.UpdateAsync(resource, null, WriteContext.System, "PUT", ct);
            count++;
        }
        logger.LogInformation("Seeded {Count} demo resources into the empty database", count);
    }
}
