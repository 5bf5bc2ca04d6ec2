using Interop.Storage;
using Interop.Storage.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Audit;

/// <summary>
/// The audit journal of a SQLite gateway, in a database file of its own beside the main one
/// (<c>interop.db-audit</c> for <c>interop.db</c>; docs/decisions/0010-sqlite-audit-journal-file.md).
/// SQLite has one writer per file: with the journal in the main file, every request's journal commit
/// queued at the gateway's write gate behind the materialiser's transactions, which held it most of
/// the time under load. In a file of its own the commit waits for nothing but its own <c>fsync</c>.
/// </summary>
/// <remarks>
/// The two files commit separately, so a row is not deleted in the transaction that stores it (as
/// <see cref="TableAuditJournal"/> does). Instead the main database keeps a cursor
/// (<see cref="AuditJournalCursorRow"/>): the materialiser takes the rows after it in id order and moves
/// it forward in the transaction that stores their AuditEvents, so each row is stored exactly once
/// whenever either side crashes. Rows at or below the cursor are deleted by the next append. Ids
/// come from <c>AUTOINCREMENT</c> and are assigned under the file's write lock, so they commit in id
/// order and are never reused; at start the sequence is raised to the cursor, so a journal file
/// replaced by an empty one cannot hand out ids the cursor would skip. Rows an earlier version left
/// in the main file's <c>audit_journal</c> table are handed out first, and claimed there by deleting
/// them, until the table is found empty.
/// </remarks>
public sealed class SqliteFileAuditJournal(IServiceScopeFactory scopes, string connectionString) : IAuditJournal, IAsyncDisposable
{
    /// <summary>Appended to the main database file's name to name the journal's.</summary>
    public const string FileSuffix = "-audit";

    private const string Schema = """
        PRAGMA journal_mode=WAL;
        PRAGMA journal_size_limit=67108864;
        CREATE TABLE IF NOT EXISTS audit_journal (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            RecordedAt INTEGER NOT NULL,
            Entry TEXT NOT NULL);
        """;

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly SemaphoreSlim _initializing = new(1, 1);
    private volatile bool _initialized;
    private SqliteConnection? _writerConnection;
    private long _storedThrough;
    private long _deletedThrough;
    private readonly TableAuditJournal _leftInTable = new(scopes);
    private volatile bool _tableEmpty;

    /// <summary>
    /// The journal file's connection string for a main database's, or null when the main database
    /// has no file of its own (in memory), where the journal stays a table.
    /// </summary>
    public static string? ConnectionStringFor(string mainConnectionString)
    {
        var builder = new SqliteConnectionStringBuilder(mainConnectionString);
        var file = builder.DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:" || builder.Mode == SqliteOpenMode.Memory
            || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            return null;
        builder.DataSource = file + FileSuffix;
        return builder.ToString();
    }

    public async Task AppendAsync(IReadOnlyList<AuditJournalRow> rows, CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            var connection = _writerConnection ??= await OpenAsync(ct);
            var stored = Interlocked.Read(ref _storedThrough);
            try
            {
                using var transaction = connection.BeginTransaction();
                if (stored > _deletedThrough)
                {
                    using var delete = connection.CreateCommand();
                    delete.Transaction = transaction;
                    delete.CommandText = "DELETE FROM audit_journal WHERE Id <= $stored;";
                    delete.Parameters.AddWithValue("$stored", stored);
                    delete.ExecuteNonQuery();
                }
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO audit_journal (RecordedAt, Entry) VALUES ($recorded, $entry) RETURNING Id;";
                var recorded = insert.Parameters.Add("$recorded", SqliteType.Integer);
                var entry = insert.Parameters.Add("$entry", SqliteType.Text);
                foreach (var row in rows)
                {
                    recorded.Value = row.RecordedAt;
                    entry.Value = row.Entry;
                    row.Id = Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                }
                transaction.Commit();
                _deletedThrough = Math.Max(_deletedThrough, stored);
            }
            catch
            {
                // A broken connection is not reused; the next append opens another.
                _writerConnection = null;
                await connection.DisposeAsync();
                throw;
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task<long?> LastIdAsync(CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(Id) FROM audit_journal;";
        return await command.ExecuteScalarAsync(ct) is long last ? last : null;
    }

    public async Task<AuditJournalBatch> PendingAsync(InteropDbContext db, long? upTo, int take, CancellationToken ct)
    {
        if (!_tableEmpty)
        {
            // The table's ids are not this file's, so upTo does not apply to them.
            var left = await _leftInTable.PendingAsync(db, null, take, ct);
            if (left.Rows.Count > 0) return left with { LeftInTable = true };
            _tableEmpty = true;
        }
        await EnsureInitializedAsync(ct);
        var cursor = await CursorAsync(db, ct);
        InterlockedMax(ref _storedThrough, cursor);
        return new AuditJournalBatch(await RowsAfterAsync(cursor, upTo ?? long.MaxValue, take, ct), cursor);
    }

    public async Task<AuditJournalBatch> PendingAfterAsync(InteropDbContext db, AuditJournalBatch previous, int take, CancellationToken ct)
    {
        if (previous.LeftInTable) throw new ArgumentException("Rows left in the table are not read ahead.", nameof(previous));
        // Claimed only once the cursor stands where previous leaves it. The cursor is not read here, and
        // _storedThrough (below which the next append deletes rows) does not move: previous is not stored yet.
        var last = previous.Rows[^1].Id;
        return new AuditJournalBatch(await RowsAfterAsync(last, long.MaxValue, take, ct), last);
    }

    private async Task<List<AuditJournalRow>> RowsAfterAsync(long after, long upTo, int take, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, RecordedAt, Entry FROM audit_journal WHERE Id > $cursor AND Id <= $upTo ORDER BY Id LIMIT $take;";
        command.Parameters.AddWithValue("$cursor", after);
        command.Parameters.AddWithValue("$upTo", upTo);
        command.Parameters.AddWithValue("$take", take);
        var rows = new List<AuditJournalRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new AuditJournalRow { Id = reader.GetInt64(0), RecordedAt = reader.GetInt64(1), Entry = reader.GetString(2) });
        return rows;
    }

    public async Task<bool> ClaimAsync(InteropDbContext db, AuditJournalBatch batch, CancellationToken ct)
    {
        if (batch.LeftInTable) return await _leftInTable.ClaimAsync(db, batch, ct);
        var last = batch.Rows[^1].Id;
        return await db.AuditJournalCursor
            .Where(c => c.Id == AuditJournalCursorRow.Single && c.StoredThrough == batch.StoredThrough)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.StoredThrough, last), ct) == 1;
    }

    public void Stored(AuditJournalBatch batch)
    {
        if (!batch.LeftInTable) InterlockedMax(ref _storedThrough, batch.Rows[^1].Id);
    }

    private static Task<long> CursorAsync(InteropDbContext db, CancellationToken ct) =>
        db.AuditJournalCursor.AsNoTracking().Where(c => c.Id == AuditJournalCursorRow.Single).Select(c => c.StoredThrough).SingleAsync(ct);

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var busy = connection.CreateCommand();
        // Another connection's commit is a few milliseconds; SQLite's own wait is finer than a retry loop's.
        busy.CommandText = "PRAGMA busy_timeout=5000;";
        await busy.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>Creates the file and its table, and raises its id sequence to the cursor (see the remarks).</summary>
    private async Task EnsureInitializedAsync(CancellationToken ct)
    {
        if (_initialized) return;
        await _initializing.WaitAsync(ct);
        try
        {
            if (_initialized) return;
            long cursor;
            await using (var scope = scopes.CreateAsyncScope())
                cursor = await CursorAsync(scope.ServiceProvider.GetRequiredService<InteropDbContext>(), ct);
            await using var connection = await OpenAsync(ct);
            await using (var schema = connection.CreateCommand())
            {
                schema.CommandText = Schema;
                await schema.ExecuteNonQueryAsync(ct);
            }
            await using (var sequence = connection.CreateCommand())
            {
                sequence.CommandText = """
                    INSERT INTO sqlite_sequence (name, seq) SELECT 'audit_journal', $cursor
                        WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'audit_journal');
                    UPDATE sqlite_sequence SET seq = $cursor WHERE name = 'audit_journal' AND seq < $cursor;
                    """;
                sequence.Parameters.AddWithValue("$cursor", cursor);
                await sequence.ExecuteNonQueryAsync(ct);
            }
            InterlockedMax(ref _storedThrough, cursor);
            _initialized = true;
        }
        finally
        {
            _initializing.Release();
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        do current = Interlocked.Read(ref target);
        while (current < value && Interlocked.CompareExchange(ref target, value, current) != current);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.WaitAsync();
        try
        {
            if (_writerConnection is { } connection) await connection.DisposeAsync();
            _writerConnection = null;
        }
        finally
        {
            _writer.Release();
        }
    }
}
