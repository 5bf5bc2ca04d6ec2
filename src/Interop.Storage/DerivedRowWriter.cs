using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Interop.Storage;

/// <summary>
/// Inserts the rows derived from saved versions with multi-row <c>INSERT ... VALUES (...), (...)</c>
/// statements, one per table and chunk. A lab Observation carries dozens of index rows and every
/// request's AuditEvent about twenty; saved through the change tracker each is its own tracked
/// entity and, on SQLite, its own statement, which made index rows the largest cost of a write. The
/// SQL comes from the EF model (table and column names, type mappings and value converters of the
/// provider in use), so it stays in step with the migrations of every provider.
/// </summary>
internal static class DerivedRowWriter
{
    /// <summary>Parameters per statement: well inside SQL Server's 2,100 and SQLite's 32,766.</summary>
    private const int MaxParameters = 1000;

    public static async Task InsertAsync(InteropDbContext db, IReadOnlyList<DerivedRows> staged, CancellationToken ct)
    {
        foreach (var d in staged) d.AssignRowId();
        await InsertAsync(db, staged.SelectMany(d => d.Compartments).ToList(), ct);
        await InsertAsync(db, staged.SelectMany(d => d.SecurityLabels).ToList(), ct);
        await InsertAsync(db, staged.SelectMany(d => d.Tokens).ToList(), ct);
        await InsertAsync(db, staged.SelectMany(d => d.Strings).ToList(), ct);
        await InsertAsync(db, staged.SelectMany(d => d.Dates).ToList(), ct);
        await InsertAsync(db, staged.SelectMany(d => d.Quantities).ToList(), ct);
        await InsertAsync(db, staged.SelectMany(d => d.References).ToList(), ct);
        await InsertAsync(db, staged.SelectMany(d => d.Uris).ToList(), ct);
    }

    private static async Task InsertAsync<T>(InteropDbContext db, List<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        // Every column but a key the database generates (the identity Id of index rows).
        var columns = entity.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never))
            .Select(p => (Property: p, Mapping: (RelationalTypeMapping)p.GetRelationalTypeMapping(), Getter: p.GetGetter()))
            .ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var head = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
            .AppendJoin(", ", columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!))).Append(") VALUES ").ToString();

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var perStatement = Math.Max(1, MaxParameters / columns.Length);
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var text = new StringBuilder(head);
            for (var i = 0; i < count; i++)
            {
                var row = rows[start + i];
                text.Append(i == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var (property, mapping, getter) = columns[c];
                    var name = $"p{i * columns.Length + c}";
                    var value = getter.GetClrValue(row);
                    if (mapping.Converter is { } converter && value is not null) value = converter.ConvertToProvider(value);
                    command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName(name), value, property.IsNullable));
                    if (c > 0) text.Append(", ");
                    text.Append(sql.GenerateParameterNamePlaceholder(name));
                }
                text.Append(')');
            }
            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
