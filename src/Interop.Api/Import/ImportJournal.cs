using System.Data.Common;
using System.Globalization;
using Interop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Import;

/// <summary>
/// The files an import has completed, by full path and SHA-256 of their content, in the table
/// <c>import_journal</c> of the gateway's own database. A file's row is written in the same
/// database transaction as its resources, so after a crash either both are there or neither is,
/// and a rerun skips exactly the files that were committed. A file whose content changed has a new
/// hash and is imported again.
/// </summary>
/// <remarks>
/// The table belongs to the import tool, not to the FHIR model, so it is created on first use
/// (portable DDL per provider) rather than by the EF migrations every gateway instance applies.
/// </remarks>
public sealed class ImportJournal(InteropDbContext db)
{
    /// <summary>Creates the table when it is missing.</summary>
    public Task EnsureCreatedAsync(CancellationToken ct)
    {
        var sql = IsSqlServer
            ? "IF OBJECT_ID(N'import_journal') IS NULL CREATE TABLE import_journal (path nvarchar(400) NOT NULL, content_hash nvarchar(64) NOT NULL, resources int NOT NULL, completed_at nvarchar(40) NOT NULL, PRIMARY KEY (path, content_hash))"
            : "CREATE TABLE IF NOT EXISTS import_journal (path text NOT NULL, content_hash text NOT NULL, resources integer NOT NULL, completed_at text NOT NULL, PRIMARY KEY (path, content_hash))";
        return db.Database.ExecuteSqlRawAsync(sql, ct);
    }

    /// <summary>Every completed (path, hash) pair, read once at the start of an import.</summary>
    public async Task<HashSet<(string Path, string Hash)>> CompletedAsync(CancellationToken ct)
    {
        var result = new HashSet<(string, string)>();
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = "SELECT path, content_hash FROM import_journal";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0), reader.GetString(1)));
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
        return result;
    }

    /// <summary>Records a completed file inside the caller's open transaction.</summary>
    public Task RecordAsync(string path, string hash, int resources, DateTimeOffset completedAt, CancellationToken ct)
    {
        var at = completedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return IsSqlServer
            ? db.Database.ExecuteSqlAsync($"IF NOT EXISTS (SELECT 1 FROM import_journal WHERE path = {path} AND content_hash = {hash}) INSERT INTO import_journal (path, content_hash, resources, completed_at) VALUES ({path}, {hash}, {resources}, {at})", ct)
            : db.Database.ExecuteSqlAsync($"INSERT INTO import_journal (path, content_hash, resources, completed_at) VALUES ({path}, {hash}, {resources}, {at}) ON CONFLICT (path, content_hash) DO NOTHING", ct);
    }

    private bool IsSqlServer => db.Database.ProviderName?.Contains("SqlServer", StringComparison.Ordinal) == true;
}
