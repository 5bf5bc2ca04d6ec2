using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Interop.Storage;

/// <summary>
/// Sets up each physical SQLite connection the gateway opens, once (a pooled connection keeps its
/// settings): temporary tables in memory, and, when <see cref="SqliteCheckpointer"/> copies the
/// write-ahead log in the background, no checkpoint inside commits (decision 0009).
/// </summary>
/// <remarks>
/// <c>temp_store=MEMORY</c>: the consent screen and many search criteria are <c>IN (subquery)</c>
/// lists that SQLite materialises as temporary tables. Kept in a temporary file (SQLite's default),
/// building one after another connection's commit (which empties this connection's page cache, and
/// the audit trail commits all the time) cost a millisecond instead of a tenth: measured on the
/// "was anything withheld?" query of a Patient search, 1.5 ms against 0.3 ms in memory.
/// </remarks>
public sealed class SqliteConnectionSetup(SqliteCheckpointer checkpointer) : DbConnectionInterceptor
{
    /// <summary>Run on every connection.</summary>
    public const string Pragmas = "PRAGMA temp_store=MEMORY;";

    private readonly ConditionalWeakTable<object, object> _configured = new();

    private string CommandText => checkpointer.Enabled ? Pragmas + " " + SqliteCheckpointer.ConnectionPragmas : Pragmas;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsSetup(connection, out var handle)) return;
        using var command = connection.CreateCommand();
        command.CommandText = CommandText;
        command.ExecuteNonQuery();
        Configured(handle);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsSetup(connection, out var handle)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = CommandText;
        await command.ExecuteNonQueryAsync(cancellationToken);
        Configured(handle);
    }

    /// <summary>Settings stay with the native connection, which the pool hands out again and again.</summary>
    private bool NeedsSetup(DbConnection connection, out object handle)
    {
        handle = (connection as SqliteConnection)?.Handle ?? (object)connection;
        return !_configured.TryGetValue(handle, out _);
    }

    private void Configured(object handle)
    {
        _configured.AddOrUpdate(handle, handle);
        checkpointer.EnsureStarted();
    }
}
