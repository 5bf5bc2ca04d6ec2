using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace Interop.Storage;

/// <summary>
/// Inserts many rows through one prepared SQLite statement on the connection's own handle, binding
/// each value by position. Used for search index rows, the most numerous rows of every write; the
/// statement runs inside the caller's open transaction like any other command on that connection.
/// </summary>
internal static class SqliteRows
{
    public static void Insert<T>(InteropDbContext db, string sql, int columns, IReadOnlyList<T> rows, Func<T, int, object?> value)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        Check(handle, raw.sqlite3_prepare_v2(handle, sql, out var statement));
        using (statement)
        {
            foreach (var row in rows)
            {
                for (var c = 0; c < columns; c++) Bind(handle, statement, c + 1, value(row, c));
                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE) Check(handle, rc);
                Check(handle, raw.sqlite3_reset(statement));
            }
        }
    }

    private static void Bind(sqlite3 handle, sqlite3_stmt statement, int index, object? value) => Check(handle, value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        string text => raw.sqlite3_bind_text(statement, index, text),
        long number => raw.sqlite3_bind_int64(statement, index, number),
        int number => raw.sqlite3_bind_int64(statement, index, number),
        short number => raw.sqlite3_bind_int64(statement, index, number),
        byte number => raw.sqlite3_bind_int64(statement, index, number),
        bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
        double real => raw.sqlite3_bind_double(statement, index, real),
        float real => raw.sqlite3_bind_double(statement, index, real),
        byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
        _ => throw new InvalidOperationException($"No SQLite binding for a {value.GetType().Name} (parameter {index})."),
    });

    /// <summary>Turns an SQLite result code other than OK, ROW or DONE into the exception Microsoft.Data.Sqlite would throw.</summary>
    private static void Check(sqlite3 handle, int rc)
    {
        if (rc is raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE) return;
        throw Error(handle, rc);
    }

    /// <summary>The exception Microsoft.Data.Sqlite throws for result code <paramref name="rc"/> on <paramref name="handle"/>.</summary>
    public static SqliteException Error(sqlite3 handle, int rc) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(handle).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(handle));
}
