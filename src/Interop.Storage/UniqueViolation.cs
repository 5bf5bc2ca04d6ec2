using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Interop.Storage;

/// <summary>Recognises a unique-constraint violation from any of the three providers.</summary>
public static class UniqueViolation
{
    public static bool Is(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException s when s.SqliteErrorCode == 19: // SQLITE_CONSTRAINT
                case PostgresException p when p.SqlState == PostgresErrorCodes.UniqueViolation:
                case SqlException q when q.Number is 2601 or 2627:
                    return true;
            }
        }
        return false;
    }

    public static bool IsUpdateConflict(Exception ex) => ex is DbUpdateConcurrencyException || Is(ex);
}
