using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Interop.Storage;

#pragma warning disable EF1001 // EF Core's SQLite connection service, the documented way to replace it (ReplaceService).
/// <summary>
/// EF Core's SQLite connection without the functions EF Core registers on every connection it makes
/// (<c>regexp</c>, the <c>ef_*</c> decimal arithmetic and aggregates, the <c>EF_DECIMAL</c> collation).
/// Microsoft.Data.Sqlite registers them with SQLite each time the connection opens and removes them each
/// time it closes, and SQLite expires every compiled statement of the connection whenever a function is
/// registered or removed; EF Core opens and closes the connection around each query outside a transaction,
/// so no statement would outlive a query and <see cref="SqliteStatementCache"/> would keep nothing. The
/// gateway's queries use none of them: it maps no decimal column to SQLite (quantities are stored as
/// REAL) and never calls <c>Regex.IsMatch</c> in a query. A query that did would fail with SQLite's
/// "no such function", not give a wrong answer.
/// </summary>
public sealed class SqlitePlainConnection(RelationalConnectionDependencies dependencies, IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection()
    {
        var connection = new SqliteConnection(GetValidatedConnectionString());
        if (CommandTimeout is { } timeout) connection.DefaultTimeout = timeout;
        return connection;
    }
}
#pragma warning restore EF1001
