using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

/// <summary>
/// Serialises write transactions that must not interleave (conditional create, version checks,
/// the ledger chain). SQLite already allows one writer at a time, so an in-process gate avoids
/// busy-waiting; PostgreSQL and SQL Server take a transaction-scoped advisory/application lock,
/// which also holds across several gateway instances on one database.
/// </summary>
public sealed class WriteLocks
{
    private readonly SemaphoreSlim _sqliteGate = new(1, 1);

    /// <summary>The key of the one global write lock (a constant: fine-grained keys are a later optimisation).</summary>
    public const long GlobalKey = 0x1A7E_0001;

    public async Task<Gate> EnterAsync(InteropDbContext db, CancellationToken ct)
    {
        if (db.Provider == StorageProvider.Sqlite)
        {
            await _sqliteGate.WaitAsync(ct);
            return new Gate(db, _sqliteGate);
        }
        return new Gate(db, null);
    }

    /// <summary>
    /// SQLite only: holds the in-process gate without a transaction, so that no gateway write is open
    /// while <see cref="SqliteCheckpointer"/> restarts the write-ahead log.
    /// </summary>
    public Task<Interop.Core.Threading.SemaphoreLease> EnterSqliteGateAsync(CancellationToken ct) =>
        Interop.Core.Threading.SemaphoreLease.EnterAsync(_sqliteGate, ct);

    public sealed class Gate(InteropDbContext db, SemaphoreSlim? held) : IAsyncDisposable
    {
        /// <summary>Takes the database-side lock once the transaction is open (released at commit or rollback).</summary>
        public async Task AcquireInTransactionAsync(CancellationToken ct)
        {
            switch (db.Provider)
            {
                case StorageProvider.PostgreSql:
                    await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({GlobalKey})", ct);
                    break;
                case StorageProvider.SqlServer:
                    await db.Database.ExecuteSqlRawAsync(
                        "EXEC sp_getapplock @Resource = 'interop-write', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000", ct);
                    break;
            }
        }

        public ValueTask DisposeAsync()
        {
            held?.Release();
            return ValueTask.CompletedTask;
        }
    }
}
