using Interop.Api.Audit;
using Interop.Storage;
using Interop.Storage.Entities;
using Interop.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// The audit materialiser reads and builds its next batch while the one before it is being stored
/// (<see cref="IAuditJournal.PendingAfterAsync"/>). The journals are driven directly here, with no
/// gateway (and so no materialiser) taking rows meanwhile: the rows read ahead are the ones after the
/// batch, and reading them neither lets a row be claimed twice nor lets the journal file drop rows
/// that are not stored yet.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class AuditJournalReadAheadTests(StorageProvider provider)
{
    private TestDatabase _database = null!;
    private ServiceProvider _services = null!;
    private IAuditJournal _journal = null!;

    [SetUp]
    public async Task CreateJournalAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider.ToString(),
            ["Storage:ConnectionString"] = _database.ConnectionString,
        }).Build();
        _services = new ServiceCollection().AddLogging().AddInteropStorage(configuration).BuildServiceProvider();
        var scopes = _services.GetRequiredService<IServiceScopeFactory>();
        await using (var scope = scopes.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        _journal = provider == StorageProvider.Sqlite
            ? new SqliteFileAuditJournal(scopes, SqliteFileAuditJournal.ConnectionStringFor(_database.ConnectionString)!)
            : new TableAuditJournal(scopes);
    }

    [TearDown]
    public async Task DropDatabaseAsync()
    {
        if (_journal is IAsyncDisposable disposable) await disposable.DisposeAsync();
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<long[]> AppendAsync(int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var row = new AuditJournalRow { RecordedAt = 1, Entry = $"{{\"n\":{i}}}" };
            await _journal.AppendAsync([row], CancellationToken.None);
            ids.Add(row.Id);
        }
        return ids.ToArray();
    }

    private static long[] Ids(AuditJournalBatch batch) => batch.Rows.Select(r => r.Id).ToArray();

    /// <summary>Claims <paramref name="batch"/> in a transaction of its own, as the materialiser's store does; false when the claim failed.</summary>
    private async Task<bool> ClaimAsync(AuditJournalBatch batch)
    {
        await using var db = _database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (!await _journal.ClaimAsync(db, batch, CancellationToken.None)) return false;
        await transaction.CommitAsync();
        _journal.Stored(batch);
        return true;
    }

    private async Task<long[]> PendingAsync()
    {
        await using var db = _database.CreateContext();
        return Ids(await _journal.PendingAsync(db, null, int.MaxValue, CancellationToken.None));
    }

    /// <summary>The oldest <paramref name="take"/> rows, and the <paramref name="take"/> read ahead after them, as the materialiser reads them.</summary>
    private async Task<(AuditJournalBatch First, AuditJournalBatch Ahead)> ReadBatchAndAheadAsync(int take)
    {
        await using var db = _database.CreateContext();
        var first = await _journal.PendingAsync(db, null, take, CancellationToken.None);
        return (first, await _journal.PendingAfterAsync(db, first, take, CancellationToken.None));
    }

    [Test]
    public async Task The_rows_read_ahead_are_those_after_the_batch_and_each_row_is_claimed_once()
    {
        var ids = await AppendAsync(5);
        var (first, ahead) = await ReadBatchAndAheadAsync(2);
        Assert.That(Ids(first), Is.EqualTo(ids[..2]));
        Assert.That(Ids(ahead), Is.EqualTo(ids[2..4]), "the next rows, none of the batch still being stored");

        if (provider == StorageProvider.Sqlite)
            Assert.That(await ClaimAsync(ahead), Is.False, "in the journal file, rows read ahead are claimed only after the batch before them");
        Assert.That(await ClaimAsync(first), Is.True);
        Assert.That(await ClaimAsync(ahead), Is.True);
        Assert.That(await ClaimAsync(first), Is.False, "a batch is stored once");
        Assert.That(await ClaimAsync(ahead), Is.False, "a batch is stored once");
        Assert.That(await PendingAsync(), Is.EqualTo(ids[4..]));
    }

    [Test]
    public async Task Batches_read_before_another_stored_their_rows_cannot_be_claimed()
    {
        var ids = await AppendAsync(4);
        var (first, ahead) = await ReadBatchAndAheadAsync(2);

        // Another batch (a catch-up) stores all four first: both batches read before it are stale.
        await using var db = _database.CreateContext();
        var all = await _journal.PendingAsync(db, null, 4, CancellationToken.None);
        Assert.That(Ids(all), Is.EqualTo(ids));
        Assert.That(await ClaimAsync(all), Is.True);
        Assert.That(await ClaimAsync(first), Is.False);
        Assert.That(await ClaimAsync(ahead), Is.False);
        Assert.That(await PendingAsync(), Is.Empty);
    }

    [Test]
    public async Task Reading_ahead_does_not_let_the_next_append_drop_rows_not_yet_stored()
    {
        // The journal file deletes the rows it knows are stored when it next appends; the batch read
        // ahead of is not stored yet, so its rows must stay.
        var ids = await AppendAsync(2);
        var (_, ahead) = await ReadBatchAndAheadAsync(1);
        Assert.That(Ids(ahead), Is.EqualTo(ids[1..]));

        var later = await AppendAsync(1);
        Assert.That(await PendingAsync(), Is.EqualTo(ids.Concat(later).ToArray()));
    }
}
