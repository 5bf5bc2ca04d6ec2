using System.Collections.Concurrent;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Interop.Storage;

/// <summary>Removes the search index rows of a version that is no longer current.</summary>
public static class SearchIndexRows
{
    private static readonly ConcurrentDictionary<StorageProvider, string> DeleteOne = new();

    /// <summary>
    /// Removes <paramref name="rowId"/>'s rows from the six index tables with one command of six
    /// statements (one round trip on PostgreSQL and SQL Server), as every update and delete does for
    /// the version it replaces. Six LINQ <c>ExecuteDelete</c>s went through EF Core's query pipeline
    /// one by one and were a third of a delete's time under the write lock. Table and column names
    /// come from the EF model of the provider in use.
    /// </summary>
    public static Task DeleteForAsync(InteropDbContext db, long rowId, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(DeleteOne.GetOrAdd(db.Provider, _ => DeleteStatements(db)), [rowId], ct);

    private static string DeleteStatements(InteropDbContext db)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        Type[] tables = [typeof(TokenIndexRow), typeof(StringIndexRow), typeof(DateIndexRow), typeof(QuantityIndexRow), typeof(ReferenceIndexRow), typeof(UriIndexRow)];
        return string.Join("\n", tables.Select(type =>
        {
            var entity = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var column = entity.FindProperty("ResourceRowId")!.GetColumnName(table)!;
            // {0}: the one parameter ExecuteSqlRaw makes of rowId, named in every statement.
            return $"DELETE FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {sql.DelimitIdentifier(column)} = {{0}};";
        }));
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
