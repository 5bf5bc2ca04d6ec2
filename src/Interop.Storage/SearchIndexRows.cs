using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

/// <summary>Removes the search index rows of a version that is no longer current.</summary>
public static class SearchIndexRows
{
    public static async Task DeleteForAsync(InteropDbContext db, long rowId, CancellationToken ct)
    {
        await db.TokenIndex.Where(x => x.ResourceRowId == rowId).ExecuteDeleteAsync(ct);
        await db.StringIndex.Where(x => x.ResourceRowId == rowId).ExecuteDeleteAsync(ct);
        await db.DateIndex.Where(x => x.ResourceRowId == rowId).ExecuteDeleteAsync(ct);
        await db.QuantityIndex.Where(x => x.ResourceRowId == rowId).ExecuteDeleteAsync(ct);
        await db.ReferenceIndex.Where(x => x.ResourceRowId == rowId).ExecuteDeleteAsync(ct);
        await db.UriIndex.Where(x => x.ResourceRowId == rowId).ExecuteDeleteAsync(ct);
    }

    /// <summary>Removes the search index rows of several versions at once (what <c>$reindex</c> does per batch).</summary>
    public static async Task DeleteForAsync(InteropDbContext db, IReadOnlyCollection<long> rowIds, CancellationToken ct)
    {
        if (rowIds.Count == 0) return;
        await db.TokenIndex.Where(x => rowIds.Contains(x.ResourceRowId)).ExecuteDeleteAsync(ct);
        await db.StringIndex.Where(x => rowIds.Contains(x.ResourceRowId)).ExecuteDeleteAsync(ct);
        await db.DateIndex.Where(x => rowIds.Contains(x.ResourceRowId)).ExecuteDeleteAsync(ct);
        await db.QuantityIndex.Where(x => rowIds.Contains(x.ResourceRowId)).ExecuteDeleteAsync(ct);
        await db.ReferenceIndex.Where(x => rowIds.Contains(x.ResourceRowId)).ExecuteDeleteAsync(ct);
        await db.UriIndex.Where(x => rowIds.Contains(x.ResourceRowId)).ExecuteDeleteAsync(ct);
    }
}
