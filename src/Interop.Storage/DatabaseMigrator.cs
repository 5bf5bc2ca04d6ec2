using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Interop.Storage;

/// <summary>Applies the provider's migrations and answers whether the schema is current (for /readyz).</summary>
public sealed class DatabaseMigrator(InteropDbContext db, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
            logger.LogInformation("Applying {Count} migration(s) on {Provider}: {Migrations}", pending.Count, db.Provider, string.Join(", ", pending));
        await db.Database.MigrateAsync(ct);
        if (db.Provider == StorageProvider.Sqlite)
        {
            // WAL lets readers proceed while one writer commits (sqlite.org/wal.html); it is a property of the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }

    /// <summary>True when the database answers and no migration is pending.</summary>
    public async Task<(bool Ready, string Detail)> CheckAsync(CancellationToken ct = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(ct)) return (false, "database unreachable");
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            return pending.Count == 0 ? (true, "schema current") : (false, $"{pending.Count} migration(s) pending");
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or System.Data.Common.DbException)
        {
            return (false, ex.GetType().Name);
        }
    }
}
