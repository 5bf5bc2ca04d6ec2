using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Interop.Storage;

/// <summary>
/// Inserts the rows derived from saved versions: on PostgreSQL with one <c>INSERT ... SELECT * FROM
/// unnest(...)</c> per table, each column one array parameter; on SQL Server with multi-row
/// <c>INSERT ... VALUES (...), (...)</c> statements, one per table and chunk (one round trip each);
/// on SQLite, in process, with one prepared single-row statement per table, bound and stepped per
/// row (parsing a statement with a thousand parameters cost more than the inserts). A lab Observation carries dozens of index rows and every
/// request's AuditEvent about twenty; saved through the change tracker each is its own tracked
/// entity and, on SQLite, its own statement, which made index rows the largest cost of a write. The
/// SQL comes from the EF model (table and column names, type mappings and value converters of the
/// provider in use), so it stays in step with the migrations of every provider.
/// </summary>
internal static class DerivedRowWriter
{
    /// <summary>Parameters per command: inside SQL Server's 2,100 and SQLite's 32,766.</summary>
    private const int MaxParameters = 2000;

    /// <summary>
    /// True when <see cref="InsertVersionsAsync"/> can insert version rows on this provider (it needs
    /// <c>INSERT ... RETURNING</c>); elsewhere the change tracker inserts them.
    /// </summary>
    public static bool InsertsVersions(InteropDbContext db) => db.Provider is StorageProvider.Sqlite or StorageProvider.PostgreSql;

    /// <summary>
    /// Inserts new version rows (their derived rows already detached) in list order and sets each
    /// row's <c>Id</c> from the database. SQLite steps one prepared single-row statement per row;
    /// PostgreSQL sends one batch of single-row statements, one round trip, each returning its key,
    /// so keys follow list order as one-by-one saves would give them. This skips the change
    /// tracker, which cost more than the inserts themselves for a transaction of many creates.
    /// </summary>
    public static async Task InsertVersionsAsync(InteropDbContext db, IReadOnlyList<Entities.ResourceVersionRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var table = TableOf<Entities.ResourceVersionRow>(db);
        var returning = " RETURNING " + table.GeneratedKey;
        if (db.Provider == StorageProvider.Sqlite)
        {
            await using var single = db.Database.GetDbConnection().CreateCommand();
            single.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            single.CommandText = table.Head + table.RowPlaceholders(0) + returning;
            var parameters = table.AddParameters(single, 0);
            single.Prepare();
            foreach (var row in rows)
            {
                table.Bind(parameters, row);
                row.Id = Convert.ToInt64(await single.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }
            return;
        }
        var perCommand = Math.Max(1, MaxParameters / table.Columns.Length);
        for (var start = 0; start < rows.Count; start += perCommand)
        {
            var count = Math.Min(perCommand, rows.Count - start);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var text = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                var offset = i * table.Columns.Length;
                text.Append(table.Head).Append(table.RowPlaceholders(offset)).Append(returning).Append(";\n");
                table.Bind(table.AddParameters(command, offset), rows[start + i]);
            }
            command.CommandText = text.ToString();
            await using var reader = await command.ExecuteReaderAsync(ct);
            for (var i = 0; i < count; i++)
            {
                if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("An insert returned no key.");
                rows[start + i].Id = reader.GetInt64(0);
                await reader.NextResultAsync(ct);
            }
        }
    }

    public static async Task InsertAsync(InteropDbContext db, IReadOnlyList<DerivedRows> staged, CancellationToken ct)
    {
        foreach (var d in staged) d.AssignRowId();
        var batch = new Batch(db);
        await AddAsync(batch, staged.SelectMany(d => d.Compartments).ToList(), ct);
        await AddAsync(batch, staged.SelectMany(d => d.SecurityLabels).ToList(), ct);
        await AddAsync(batch, staged.SelectMany(d => d.Tokens).ToList(), ct);
        await AddAsync(batch, staged.SelectMany(d => d.Strings).ToList(), ct);
        await AddAsync(batch, staged.SelectMany(d => d.Dates).ToList(), ct);
        await AddAsync(batch, staged.SelectMany(d => d.Quantities).ToList(), ct);
        await AddAsync(batch, staged.SelectMany(d => d.References).ToList(), ct);
        await AddAsync(batch, staged.SelectMany(d => d.Uris).ToList(), ct);
        await batch.FlushAsync(ct);
    }

    /// <summary>Inserts rows of one table whose key the database generates, without reading the keys back.</summary>
    public static async Task InsertRowsAsync<T>(InteropDbContext db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        var batch = new Batch(db);
        await AddAsync(batch, rows as List<T> ?? [.. rows], ct);
        await batch.FlushAsync(ct);
    }

    private static async Task AddAsync<T>(Batch batch, List<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var db = batch.Db;
        var table = TableOf<T>(db);
        if (db.Provider == StorageProvider.Sqlite)
        {
            // In-process SQLite has no round trips to save: one prepared single-row statement,
            // bound by position and stepped per row, beats parsing a statement with a thousand
            // parameters; and going to SQLite directly skips what ADO.NET does per execution
            // (a reader per row, every parameter looked up by name), a quarter of the insert time.
            SqliteRows.Insert(db, table.Head + table.RowPlaceholders(0), table.Columns.Length, rows, table.ProviderValue);
            return;
        }
        if (db.Provider == StorageProvider.PostgreSql)
        {
            // One statement per table however many rows: each column is one array parameter that
            // unnest turns back into rows. Its text is the same for every write, so Npgsql prepares
            // it once (Max Auto Prepare) instead of PostgreSQL parsing and planning a new statement
            // of up to 2,000 parameters, and the gateway binding one parameter per value, each time.
            if (batch.Parameters + table.Columns.Length > MaxParameters) await batch.FlushAsync(ct);
            var offset = batch.Parameters;
            table.AddColumnArrays(batch.Command(), offset, rows);
            batch.Parameters += table.Columns.Length;
            batch.Append(table.UnnestInsert(offset));
            return;
        }
        // Elsewhere every table's rows go into as few commands as the parameter limit allows: one
        // round trip for a whole write in the usual case.
        var perStatement = Math.Max(1, MaxParameters / table.Columns.Length);
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            if (batch.Parameters + count * table.Columns.Length > MaxParameters) await batch.FlushAsync(ct);
            var command = batch.Command();
            var text = new StringBuilder(table.Head);
            for (var i = 0; i < count; i++)
            {
                var offset = batch.Parameters;
                if (i > 0) text.Append(", ");
                text.Append(table.RowPlaceholders(offset));
                table.Bind(table.AddParameters(command, offset), rows[start + i]);
                batch.Parameters += table.Columns.Length;
            }
            batch.Append(text.ToString());
        }
    }

    /// <summary>Statements collected into one command until the parameter limit (not used on SQLite).</summary>
    private sealed class Batch(InteropDbContext db)
    {
        private DbCommand? _command;
        private readonly StringBuilder _text = new();

        public InteropDbContext Db => db;

        public int Parameters { get; set; }

        public DbCommand Command()
        {
            if (_command is not null) return _command;
            _command = db.Database.GetDbConnection().CreateCommand();
            _command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            return _command;
        }

        public void Append(string statement) => _text.Append(statement).Append(";\n");

        public async Task FlushAsync(CancellationToken ct)
        {
            if (_command is null) return;
            await using (_command)
            {
                _command.CommandText = _text.ToString();
                await _command.ExecuteNonQueryAsync(ct);
            }
            _command = null;
            _text.Clear();
            Parameters = 0;
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, StorageProvider), object> Tables = new();

    private static Table<T> TableOf<T>(InteropDbContext db) where T : class =>
        (Table<T>)Tables.GetOrAdd((typeof(T), db.Provider), _ => new Table<T>(db));

    /// <summary>The INSERT shape of one derived-row table for one provider, read once from the EF model.</summary>
    private sealed class Table<T> where T : class
    {
        private readonly ISqlGenerationHelper _sql;

        public Table(InteropDbContext db)
        {
            var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            _sql = db.GetService<ISqlGenerationHelper>();
            // Every column but a key the database generates (the identity Id of index rows).
            Columns = entity.GetProperties()
                .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never))
                .Select(p => new Column(p, (RelationalTypeMapping)p.GetRelationalTypeMapping(), p.GetGetter()))
                .ToArray();
            GeneratedKey = entity.FindPrimaryKey() is { Properties: [{ ValueGenerated: not ValueGenerated.Never } key] }
                ? _sql.DelimitIdentifier(key.GetColumnName(table)!)
                : null;
            _insert = new StringBuilder("INSERT INTO ").Append(_sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
                .AppendJoin(", ", Columns.Select(c => _sql.DelimitIdentifier(c.Property.GetColumnName(table)!))).Append(") ").ToString();
            Head = _insert + "VALUES ";
        }

        private readonly string _insert;

        public sealed record Column(IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter);

        public Column[] Columns { get; }

        public string Head { get; }

        /// <summary>The delimited column of a single-column key the database generates, if the table has one.</summary>
        public string? GeneratedKey { get; }

        /// <summary>One row's placeholders, numbered from <paramref name="offset"/> (unique within a command).</summary>
        public string RowPlaceholders(int offset) =>
            "(" + string.Join(", ", Columns.Select((_, c) => _sql.GenerateParameterNamePlaceholder(Name(offset, c)))) + ")";

        public DbParameter[] AddParameters(DbCommand command, int offset)
        {
            var parameters = new DbParameter[Columns.Length];
            for (var c = 0; c < Columns.Length; c++)
            {
                var column = Columns[c];
                parameters[c] = column.Mapping.CreateParameter(command, _sql.GenerateParameterName(Name(offset, c)), null, column.Property.IsNullable);
                command.Parameters.Add(parameters[c]);
            }
            return parameters;
        }

        /// <summary>Column <paramref name="column"/> of <paramref name="row"/> as the provider stores it (after its value converter).</summary>
        public object? ProviderValue(T row, int column)
        {
            var c = Columns[column];
            var value = c.Getter.GetClrValue(row);
            return c.Mapping.Converter is { } converter && value is not null ? converter.ConvertToProvider(value) : value;
        }

        public void Bind(DbParameter[] parameters, T row)
        {
            for (var c = 0; c < Columns.Length; c++) parameters[c].Value = ProviderValue(row, c) ?? DBNull.Value;
        }

        /// <summary>
        /// PostgreSQL: <c>INSERT INTO t (a, b) SELECT * FROM unnest(@p0::type[], @p1::type[])</c>, the
        /// columns' arrays numbered from <paramref name="offset"/> (see <see cref="AddColumnArrays"/>).
        /// </summary>
        public string UnnestInsert(int offset) =>
            _insert + "SELECT * FROM unnest(" + string.Join(", ", Columns.Select((column, c) =>
                _sql.GenerateParameterNamePlaceholder(Name(offset, c)) + "::" + column.Mapping.StoreType + "[]")) + ")";

        /// <summary>
        /// Adds one array parameter per column holding that column's value for every row, in row order,
        /// after the column's value converter, typed by the provider's CLR type so Npgsql sends a typed array.
        /// </summary>
        public void AddColumnArrays(DbCommand command, int offset, IReadOnlyList<T> rows)
        {
            for (var c = 0; c < Columns.Length; c++)
            {
                var column = Columns[c];
                var clr = column.Mapping.Converter?.ProviderClrType ?? column.Mapping.ClrType;
                if (clr.IsValueType && Nullable.GetUnderlyingType(clr) is null && column.Property.IsNullable) clr = typeof(Nullable<>).MakeGenericType(clr);
                var values = Array.CreateInstance(clr, rows.Count);
                for (var r = 0; r < rows.Count; r++) values.SetValue(ProviderValue(rows[r], c), r);
                var parameter = command.CreateParameter();
                parameter.ParameterName = _sql.GenerateParameterName(Name(offset, c));
                parameter.Value = values;
                command.Parameters.Add(parameter);
            }
        }

        private static string Name(int offset, int column) => $"p{offset + column}";
    }
}
