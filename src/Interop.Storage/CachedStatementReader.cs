using System.Collections;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Interop.Storage;

/// <summary>
/// The rows of a compiled statement kept by <see cref="SqliteStatementCache"/>, read the way
/// <see cref="SqliteDataReader"/> reads them (the same SQLite column functions and conversions for the
/// types the gateway's entities use). Closing it resets the statement and hands it back to the cache.
/// </summary>
internal sealed class CachedStatementReader : DbDataReader
{
    private readonly sqlite3 _handle;
    private readonly sqlite3_stmt _statement;
    private readonly Action _release;
    private readonly bool _hasRows;
    private bool _firstRowPending;
    private bool _done;
    private bool _closed;

    /// <summary>Runs the statement to its first row, waiting (up to <paramref name="timeoutSeconds"/>) while the database is busy, as Microsoft.Data.Sqlite does.</summary>
    public CachedStatementReader(sqlite3 handle, sqlite3_stmt statement, Action release, int timeoutSeconds)
    {
        _handle = handle;
        _statement = statement;
        _release = release;
        var started = Environment.TickCount64;
        var pause = 1;
        int rc;
        while ((rc = raw.sqlite3_step(statement)) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED or raw.SQLITE_LOCKED_SHAREDCACHE
            && (timeoutSeconds == 0 || Environment.TickCount64 - started < timeoutSeconds * 1000L))
        {
            raw.sqlite3_reset(statement);
            Thread.Sleep(pause);
            pause = Math.Min(pause * 2, 50);
        }
        if (rc == raw.SQLITE_ROW) _hasRows = _firstRowPending = true;
        else if (rc == raw.SQLITE_DONE) _done = true;
        else Fail(rc);
    }

    public override bool Read()
    {
        if (_closed || _done) return false;
        if (_firstRowPending)
        {
            _firstRowPending = false;
            return true;
        }
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc == raw.SQLITE_DONE)
        {
            _done = true;
            return false;
        }
        Fail(rc);
        return false;
    }

    public override Task<bool> ReadAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<bool>(cancellationToken) : Read() ? TrueTask : FalseTask;

    private static readonly Task<bool> TrueTask = Task.FromResult(true);
    private static readonly Task<bool> FalseTask = Task.FromResult(false);

    public override bool NextResult() => false;

    public override Task<bool> NextResultAsync(CancellationToken cancellationToken) => FalseTask;

    public override int Depth => 0;
    public override bool HasRows => _hasRows;
    public override bool IsClosed => _closed;
    public override int RecordsAffected => -1;
    public override int FieldCount => raw.sqlite3_column_count(_statement);

    public override object this[int ordinal] => GetValue(ordinal);
    public override object this[string name] => GetValue(GetOrdinal(name));

    public override string GetName(int ordinal) => raw.sqlite3_column_name(_statement, ordinal).utf8_to_string();

    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < FieldCount; i++)
            if (string.Equals(GetName(i), name, StringComparison.Ordinal)) return i;
        for (var i = 0; i < FieldCount; i++)
            if (string.Equals(GetName(i), name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new ArgumentOutOfRangeException(nameof(name), name, "No column of that name.");
    }

    private int TypeOf(int ordinal) => raw.sqlite3_column_type(_statement, ordinal);

    public override bool IsDBNull(int ordinal) => TypeOf(ordinal) == raw.SQLITE_NULL;

    public override Task<bool> IsDBNullAsync(int ordinal, CancellationToken cancellationToken) => IsDBNull(ordinal) ? TrueTask : FalseTask;

    public override long GetInt64(int ordinal) => raw.sqlite3_column_int64(_statement, NotNull(ordinal));
    public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));
    public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));
    public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));
    public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;
    public override double GetDouble(int ordinal) => raw.sqlite3_column_double(_statement, NotNull(ordinal));
    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);
    public override char GetChar(int ordinal) => TypeOf(ordinal) == raw.SQLITE_TEXT ? GetString(ordinal)[0] : (char)GetInt64(ordinal);

    public override string GetString(int ordinal) => raw.sqlite3_column_text(_statement, NotNull(ordinal)).utf8_to_string();

    public override decimal GetDecimal(int ordinal) => TypeOf(ordinal) switch
    {
        raw.SQLITE_TEXT => decimal.Parse(GetString(ordinal), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture),
        raw.SQLITE_INTEGER => GetInt64(ordinal),
        _ => (decimal)GetDouble(ordinal),
    };

    public override Guid GetGuid(int ordinal) => TypeOf(ordinal) == raw.SQLITE_BLOB && GetBlob(ordinal) is { Length: 16 } bytes
        ? new Guid(bytes)
        : Guid.Parse(GetString(ordinal));

    public override DateTime GetDateTime(int ordinal) => TypeOf(ordinal) switch
    {
        raw.SQLITE_TEXT => DateTime.Parse(GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        _ => DateTime.FromOADate(GetDouble(ordinal) - 2415018.5), // a Julian day number, as SQLite's date functions give
    };

    private byte[] GetBlob(int ordinal) => raw.sqlite3_column_blob(_statement, ordinal).ToArray();

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var blob = GetBlob(ordinal);
        if (buffer is null) return blob.Length;
        var count = (int)Math.Max(0, Math.Min(length, blob.Length - dataOffset));
        Array.Copy(blob, dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = GetString(ordinal);
        if (buffer is null) return text.Length;
        var count = (int)Math.Max(0, Math.Min(length, text.Length - dataOffset));
        text.CopyTo((int)dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override object GetValue(int ordinal) => TypeOf(ordinal) switch
    {
        raw.SQLITE_INTEGER => GetInt64(ordinal),
        raw.SQLITE_FLOAT => GetDouble(ordinal),
        raw.SQLITE_TEXT => GetString(ordinal),
        raw.SQLITE_BLOB => GetBlob(ordinal),
        _ => DBNull.Value,
    };

    public override int GetValues(object[] values)
    {
        var count = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < count; i++) values[i] = GetValue(i);
        return count;
    }

    public override T GetFieldValue<T>(int ordinal)
    {
        if (typeof(T) == typeof(long)) return (T)(object)GetInt64(ordinal);
        if (typeof(T) == typeof(int)) return (T)(object)GetInt32(ordinal);
        if (typeof(T) == typeof(bool)) return (T)(object)GetBoolean(ordinal);
        if (typeof(T) == typeof(string)) return (T)(object)GetString(ordinal);
        if (typeof(T) == typeof(double)) return (T)(object)GetDouble(ordinal);
        if (typeof(T) == typeof(decimal)) return (T)(object)GetDecimal(ordinal);
        if (typeof(T) == typeof(short)) return (T)(object)GetInt16(ordinal);
        if (typeof(T) == typeof(byte)) return (T)(object)GetByte(ordinal);
        if (typeof(T) == typeof(float)) return (T)(object)GetFloat(ordinal);
        if (typeof(T) == typeof(byte[])) return (T)(object)GetBlob(ordinal);
        if (typeof(T) == typeof(Guid)) return (T)(object)GetGuid(ordinal);
        if (typeof(T) == typeof(DateTime)) return (T)(object)GetDateTime(ordinal);
        if (typeof(T) == typeof(object)) return (T)GetValue(ordinal);
        return (T)Convert.ChangeType(GetValue(ordinal), typeof(T), CultureInfo.InvariantCulture);
    }

    public override Task<T> GetFieldValueAsync<T>(int ordinal, CancellationToken cancellationToken) => Task.FromResult(GetFieldValue<T>(ordinal));

    public override Type GetFieldType(int ordinal) => TypeOf(ordinal) switch
    {
        raw.SQLITE_INTEGER => typeof(long),
        raw.SQLITE_FLOAT => typeof(double),
        raw.SQLITE_BLOB => typeof(byte[]),
        raw.SQLITE_TEXT => typeof(string),
        _ => DeclaredType(ordinal),
    };

    // A NULL in this row: the declared affinity of the column, as SqliteDataReader answers.
    private Type DeclaredType(int ordinal) => raw.sqlite3_column_decltype(_statement, ordinal).utf8_to_string()?.ToUpperInvariant() switch
    {
        { } t when t.Contains("INT", StringComparison.Ordinal) => typeof(long),
        { } t when t.Contains("CHAR", StringComparison.Ordinal) || t.Contains("CLOB", StringComparison.Ordinal) || t.Contains("TEXT", StringComparison.Ordinal) => typeof(string),
        { } t when t.Contains("BLOB", StringComparison.Ordinal) => typeof(byte[]),
        { } t when t.Contains("REAL", StringComparison.Ordinal) || t.Contains("FLOA", StringComparison.Ordinal) || t.Contains("DOUB", StringComparison.Ordinal) => typeof(double),
        _ => typeof(object),
    };

    public override string GetDataTypeName(int ordinal) => raw.sqlite3_column_decltype(_statement, ordinal).utf8_to_string() ?? TypeOf(ordinal) switch
    {
        raw.SQLITE_INTEGER => "INTEGER",
        raw.SQLITE_FLOAT => "REAL",
        raw.SQLITE_BLOB => "BLOB",
        _ => "TEXT",
    };

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    // The ordinal, once its value is known not to be NULL (reading a NULL as a value is an error, as in SqliteDataReader).
    private int NotNull(int ordinal) => TypeOf(ordinal) != raw.SQLITE_NULL
        ? ordinal
        : throw new InvalidCastException($"Column {ordinal} ('{GetName(ordinal)}') is NULL.");

    public override void Close()
    {
        if (_closed) return;
        _closed = true;
        // Reset ends the statement's read transaction; the statement goes back to its connection's cache.
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
        _release();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Close();
        return base.DisposeAsync();
    }

    // Like SqliteDataReader: the statement is finished (reset and left out of the cache) and the error thrown as a SqliteException.
    private void Fail(int rc)
    {
        var error = SqliteRows.Error(_handle, rc); // before the reset, which clears the connection's error
        _closed = true;
        raw.sqlite3_reset(_statement);
        _statement.Dispose();
        throw error;
    }
}
