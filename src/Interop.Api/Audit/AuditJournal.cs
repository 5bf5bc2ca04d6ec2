using Interop.Storage;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Audit;

/// <summary>
/// Where access records wait between the request's commit (<see cref="AuditWriter"/>) and their
/// storing as AuditEvents (<see cref="AuditMaterializer"/>): the <c>audit_journal</c> table
/// (<see cref="TableAuditJournal"/>, decision 0007), or on SQLite a database file of its own
/// (<see cref="SqliteFileAuditJournal"/>, decision 0010). Either way a row is durable before its
/// request is answered and becomes AuditEvents exactly once.
/// </summary>
public interface IAuditJournal
{
    /// <summary>Commits <paramref name="rows"/> in one transaction; they are durable when this returns.</summary>
    Task AppendAsync(IReadOnlyList<AuditJournalRow> rows, CancellationToken ct);

    /// <summary>The highest id committed so far by any instance (null when the journal is empty).</summary>
    Task<long?> LastIdAsync(CancellationToken ct);

    /// <summary>The oldest rows not yet stored as AuditEvents, at most <paramref name="take"/>, with ids up to <paramref name="upTo"/> when given.</summary>
    Task<AuditJournalBatch> PendingAsync(InteropDbContext db, long? upTo, int take, CancellationToken ct);

    /// <summary>
    /// The oldest rows after <paramref name="previous"/>'s, at most <paramref name="take"/>, read while
    /// <paramref name="previous"/> is being stored, so that they can be claimed once it is (their claim
    /// fails if it was not). <paramref name="previous"/> must not be <see cref="AuditJournalBatch.LeftInTable"/>.
    /// </summary>
    Task<AuditJournalBatch> PendingAfterAsync(InteropDbContext db, AuditJournalBatch previous, int take, CancellationToken ct);

    /// <summary>
    /// Inside the transaction that stores <paramref name="batch"/>'s AuditEvents: marks its rows as
    /// stored. False, with nothing to commit, when another instance stored any of them first.
    /// </summary>
    Task<bool> ClaimAsync(InteropDbContext db, AuditJournalBatch batch, CancellationToken ct);

    /// <summary>After that transaction committed.</summary>
    void Stored(AuditJournalBatch batch);
}

/// <summary>
/// Rows read from a journal, and where the journal stood when they were read; <paramref name="LeftInTable"/>
/// when a journal file hands out rows an earlier version left in the <c>audit_journal</c> table.
/// </summary>
public sealed record AuditJournalBatch(IReadOnlyList<AuditJournalRow> Rows, long StoredThrough, bool LeftInTable = false);

/// <summary>
/// The journal as the <c>audit_journal</c> table of the gateway's database: rows are appended in the
/// audit group commit and deleted in the transaction that stores them (decision 0007). Used on
/// PostgreSQL and SQL Server, where concurrent commits can finish out of id order (so rows are
/// claimed by id, not by range), and on SQLite when <see cref="AuditOptions.SqliteJournalInOwnFile"/>
/// is off or the database is in memory.
/// </summary>
public sealed class TableAuditJournal(IServiceScopeFactory scopes) : IAuditJournal
{
    public async Task AppendAsync(IReadOnlyList<AuditJournalRow> rows, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        // Fresh ids only: nothing to serialise against, so other instances' writes need not wait.
        await store.InTransactionAsync(async () =>
        {
            db.AuditJournal.AddRange(rows);
            await db.SaveChangesAsync(ct);
            return 0;
        }, ct, exclusive: false);
    }

    public async Task<long?> LastIdAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        return await db.AuditJournal.MaxAsync(j => (long?)j.Id, ct);
    }

    public async Task<AuditJournalBatch> PendingAsync(InteropDbContext db, long? upTo, int take, CancellationToken ct)
    {
        var query = db.AuditJournal.AsNoTracking();
        if (upTo is { } last) query = query.Where(j => j.Id <= last);
        return new(await query.OrderBy(j => j.Id).Take(take).ToListAsync(ct), 0);
    }

    public async Task<AuditJournalBatch> PendingAfterAsync(InteropDbContext db, AuditJournalBatch previous, int take, CancellationToken ct)
    {
        // A row with a lower id that commits later is not lost: it stays in the table for a later batch.
        var last = previous.Rows[^1].Id;
        return new(await db.AuditJournal.AsNoTracking().Where(j => j.Id > last).OrderBy(j => j.Id).Take(take).ToListAsync(ct), 0);
    }

    public async Task<bool> ClaimAsync(InteropDbContext db, AuditJournalBatch batch, CancellationToken ct)
    {
        // A list, not a range: a lower id may still commit after this batch was read.
        var ids = batch.Rows.Select(r => r.Id).ToArray();
        return await db.AuditJournal.Where(j => ids.Contains(j.Id)).ExecuteDeleteAsync(ct) == ids.Length;
    }

    public void Stored(AuditJournalBatch batch)
    {
    }
}

/// <summary>Chooses the journal for this gateway's database (decision 0010).</summary>
public static class AuditJournals
{
    public static IAuditJournal Create(IServiceProvider services)
    {
        var storage = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        var audit = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>().Value;
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        if (storage.Provider == StorageProvider.Sqlite && audit.SqliteJournalInOwnFile
            && SqliteFileAuditJournal.ConnectionStringFor(storage.ConnectionString) is { } file)
            return new SqliteFileAuditJournal(scopes, file);
        return new TableAuditJournal(scopes);
    }
}
