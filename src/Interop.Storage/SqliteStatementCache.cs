using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Interop.Storage;

/// <summary>
/// Keeps the gateway's read statements compiled on each SQLite connection, so that a query EF Core sends
/// again (a read by id, the consent screen, a search page) runs without SQLite compiling its SQL anew.
/// Microsoft.Data.Sqlite compiles the text of every new command (it keeps statements only per command
/// object, and EF Core makes a new command per query; dotnet/efcore#14044), and the gateway's
/// consent-checked statements are long: compiling was 10-12 % of the gateway's CPU in the read and
/// search benchmarks. See docs/operations.md ("SQLite") and decision 0011.
/// </summary>
/// <remarks>
/// <para>
/// Only single read-only statements (<c>sqlite3_stmt_readonly</c>) with every parameter given a plain
/// value are served from the cache; anything else (writes, several statements in one command, an
/// unusual parameter type) goes to Microsoft.Data.Sqlite as before. A served query is answered by a
/// <see cref="CachedStatementReader"/> over the compiled statement, which is reset and returned to its
/// connection's cache when EF Core disposes the reader, so no read transaction outlives the query.
/// </para>
/// <para>
/// Statements belong to the native connection (pooled by Microsoft.Data.Sqlite and reused by every
/// <see cref="SqliteConnection"/> that opens it), at most <see cref="StatementsPerConnection"/> per
/// connection, least recently used dropped first. A statement whose schema changed is recompiled by
/// SQLite itself (<c>sqlite3_prepare_v3</c> statements do that on their next step).
/// </para>
/// </remarks>
public sealed class SqliteStatementCache(int statementsPerConnection) : DbCommandInterceptor
{
    /// <summary>Statements kept per native connection.</summary>
    public int StatementsPerConnection { get; } = statementsPerConnection;

    private const int SqlitePreparePersistent = 0x01;

    private long _compiled;
    private long _reused;

    /// <summary>Read statements compiled for the cache so far (each once per connection while it stays cached).</summary>
    public long Compiled => Interlocked.Read(ref _compiled);

    /// <summary>Queries answered by a statement compiled earlier, without compiling.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    private readonly ConditionalWeakTable<sqlite3, Statements> _byConnection = new();
    // One delegate for every lookup (a lambda at the call would be allocated per query).
    private readonly ConditionalWeakTable<sqlite3, Statements>.CreateValueCallback _newStatements = _ => new Statements(statementsPerConnection);

    // Texts found not to be cacheable (writes, several statements): not compiled twice to find out again.
    private readonly ConcurrentDictionary<string, byte> _uncacheable = new(StringComparer.Ordinal);
    private const int UncacheableKept = 4_096;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        !result.HasResult && TryExecute(command) is { } reader ? InterceptionResult<DbDataReader>.SuppressWithResult(reader) : result;

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReaderExecuting(command, eventData, result));

    /// <summary>The reader over the cached (or newly compiled and cacheable) statement, or null to let Microsoft.Data.Sqlite run the command.</summary>
    private DbDataReader? TryExecute(DbCommand command)
    {
        if (StatementsPerConnection <= 0 || command is not SqliteCommand { Connection.Handle: { } handle } sqlite
            || command.CommandType != CommandType.Text || command.CommandText is not { Length: > 0 } sql
            || _uncacheable.ContainsKey(sql))
            return null;
        var statements = _byConnection.GetValue(handle, _newStatements);
        var statement = statements.Take(sql);
        var reused = statement is not null;
        statement ??= Compile(handle, sql);
        if (statement is null) return null;
        Interlocked.Increment(ref reused ? ref _reused : ref _compiled);
        Interop.Core.Telemetry.InteropMetrics.RecordSqliteStatement(reused);
        if (!Bind(statement, sqlite.Parameters))
        {
            // A parameter this cache does not bind exactly as Microsoft.Data.Sqlite would: the command runs as usual.
            raw.sqlite3_clear_bindings(statement);
            statements.Return(sql, statement);
            return null;
        }
        try
        {
            return new CachedStatementReader(handle, statement, () => statements.Return(sql, statement), command.CommandTimeout);
        }
        catch
        {
            statement.Dispose();
            throw;
        }
    }

    private sqlite3_stmt? Compile(sqlite3 handle, string sql)
    {
        var rc = raw.sqlite3_prepare_v3(handle, sql, SqlitePreparePersistent, out var statement, out var tail);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            return null; // Microsoft.Data.Sqlite reports the error, with its usual message
        }
        if (!string.IsNullOrWhiteSpace(tail) || statement.IsInvalid || raw.sqlite3_stmt_readonly(statement) == 0)
        {
            statement.Dispose();
            if (_uncacheable.Count >= UncacheableKept) _uncacheable.Clear();
            _uncacheable.TryAdd(sql, 0);
            return null;
        }
        return statement;
    }

    /// <summary>Binds every parameter by name, as Microsoft.Data.Sqlite would; false when one can't be (then nothing is run).</summary>
    private static bool Bind(sqlite3_stmt statement, SqliteParameterCollection parameters)
    {
        if (raw.sqlite3_bind_parameter_count(statement) != parameters.Count) return false;
        foreach (SqliteParameter parameter in parameters)
        {
            var index = IndexOf(statement, parameter.ParameterName);
            if (index == 0 || parameter.Direction != ParameterDirection.Input) return false;
            var rc = parameter.Value switch
            {
                null or DBNull => raw.sqlite3_bind_null(statement, index),
                string text when parameter.SqliteType == SqliteType.Text => raw.sqlite3_bind_text(statement, index, text),
                long number when parameter.SqliteType == SqliteType.Integer => raw.sqlite3_bind_int64(statement, index, number),
                int number when parameter.SqliteType == SqliteType.Integer => raw.sqlite3_bind_int64(statement, index, number),
                bool flag when parameter.SqliteType == SqliteType.Integer => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
                double real when parameter.SqliteType == SqliteType.Real => raw.sqlite3_bind_double(statement, index, real),
                _ => -1,
            };
            if (rc != raw.SQLITE_OK) return false;
        }
        return true;
    }

    private static int IndexOf(sqlite3_stmt statement, string name)
    {
        if (name.Length == 0) return 0;
        if (name[0] is '@' or ':' or '$') return raw.sqlite3_bind_parameter_index(statement, name);
        foreach (var prefix in "@:$")
            if (raw.sqlite3_bind_parameter_index(statement, prefix + name) is var index and > 0) return index;
        return 0;
    }

    /// <summary>One native connection's idle statements by text, least recently used last.</summary>
    private sealed class Statements(int capacity)
    {
        private readonly Dictionary<string, LinkedListNode<(string Sql, sqlite3_stmt Statement)>> _bySql = new(StringComparer.Ordinal);
        private readonly LinkedList<(string Sql, sqlite3_stmt Statement)> _recent = new();

        /// <summary>The idle statement for <paramref name="sql"/>, now in use; null when there is none (or it is in use by a reader still open).</summary>
        public sqlite3_stmt? Take(string sql)
        {
            lock (_bySql)
            {
                if (!_bySql.Remove(sql, out var node)) return null;
                _recent.Remove(node);
                return node.Value.Statement;
            }
        }

        /// <summary>Puts a reset statement back, or finalises it when one for the same text is already idle.</summary>
        public void Return(string sql, sqlite3_stmt statement)
        {
            sqlite3_stmt? drop = null;
            lock (_bySql)
            {
                if (_bySql.ContainsKey(sql)) drop = statement;
                else
                {
                    _bySql[sql] = _recent.AddFirst((sql, statement));
                    if (_recent.Count > capacity && _recent.Last is { } oldest)
                    {
                        _recent.RemoveLast();
                        _bySql.Remove(oldest.Value.Sql);
                        drop = oldest.Value.Statement;
                    }
                }
            }
            drop?.Dispose();
        }
    }
}
