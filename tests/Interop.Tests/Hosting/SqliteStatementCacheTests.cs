using Interop.Storage;
using Interop.Storage.Entities;
using Interop.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Hosting;

/// <summary>
/// On SQLite, read statements stay compiled on their connection between queries
/// (<see cref="SqliteStatementCache"/>, <see cref="SqlitePlainConnection"/>, decision 0011): the same
/// answers as without the cache, no read transaction left open, writes and errors as before.
/// </summary>
[TestFixture]
public sealed class SqliteStatementCacheTests
{
    private TestDatabase _database = null!;
    private string _pooled = null!;

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        _database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        _pooled = $"Data Source={_database.SqlitePath}";
        await using var db = Factory(0).CreateDbContext();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    [TearDown]
    public async Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        await _database.DisposeAsync();
    }

    private InteropDbContextFactory Factory(int statements, string? connectionString = null) => new(
        Options.Create(new StorageOptions { Provider = StorageProvider.Sqlite, ConnectionString = connectionString ?? _pooled, SqliteStatementCacheSize = statements }),
        new ServiceCollection().BuildServiceProvider());

    private static ResourceVersionRow Row(string id, string? custodian, bool deleted, int version) => new()
    {
        ResourceType = "Observation",
        ResourceId = id,
        VersionId = version,
        IsCurrent = true,
        IsDeleted = deleted,
        Custodian = custodian,
        Method = "POST",
        LastUpdated = 1_700_000_000_000 + version,
        Json = deleted ? null : $"{{\"resourceType\":\"Observation\",\"id\":\"{id}\",\"note\":\"é ✓ {version}\"}}",
    };

    private async Task SeedAsync(int count)
    {
        await using var db = Factory(64).CreateDbContext();
        for (var i = 0; i < count; i++) db.Resources.Add(Row($"obs-{i:D3}", i % 3 == 0 ? null : $"ORG{i % 5}", i % 7 == 0, i + 1));
        await db.SaveChangesAsync();
    }

    private static Task<List<ResourceVersionRow>> QueryAsync(InteropDbContext db, string? custodian, bool includeDeleted, int minVersion) =>
        db.Resources.AsNoTracking()
            .Where(r => r.ResourceType == "Observation" && (includeDeleted || !r.IsDeleted) && r.VersionId >= minVersion
                        && (custodian == null || r.Custodian == custodian || r.Custodian == null))
            .OrderBy(r => r.Id)
            .ToListAsync();

    private static string Describe(IEnumerable<ResourceVersionRow> rows) => string.Join("\n", rows.Select(r =>
        $"{r.Id}|{r.ResourceType}|{r.ResourceId}|{r.VersionId}|{r.IsCurrent}|{r.IsDeleted}|{r.Custodian ?? "<null>"}|{r.Method}|{r.LastUpdated}|{r.Json ?? "<null>"}"));

    [Test]
    public async Task A_query_sent_again_on_a_reopened_connection_is_not_compiled_again_and_answers_as_without_the_cache()
    {
        await SeedAsync(40);
        var cached = Factory(64);
        var plain = Factory(0);
        var outcomes = new List<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Interop.Core.Telemetry.InteropMetrics.MeterName && instrument.Name == "interop.storage.sqlite.statements") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "outcome") lock (outcomes) outcomes.Add((string)tag.Value!);
        });
        listener.Start();
        foreach (var (custodian, includeDeleted, minVersion) in new[] { ("ORG1", false, 1), ("ORG3", false, 5), ("ORG4", false, 20), ("ORG2", false, 1) })
        {
            // A context per query: EF Core closes the connection after each one, as in a request.
            await using var a = cached.CreateDbContext();
            await using var b = plain.CreateDbContext();
            var withCache = await QueryAsync(a, custodian, includeDeleted, minVersion);
            var without = await QueryAsync(b, custodian, includeDeleted, minVersion);
            Assert.That(withCache, Is.Not.Empty);
            Assert.That(Describe(withCache), Is.EqualTo(Describe(without)), $"custodian {custodian}, deleted {includeDeleted}, from version {minVersion}");
        }
        var cache = cached.StatementCache!;
        Assert.That(cache.Compiled, Is.EqualTo(1), "one statement text, compiled once on the pooled connection");
        Assert.That(cache.Reused, Is.EqualTo(3), "the other three ran the compiled statement with new values");
        Assert.That(plain.StatementCache, Is.Null);
        lock (outcomes)
        {
            Assert.That(outcomes.Count(o => o == "compiled"), Is.GreaterThanOrEqualTo(1), "interop.storage.sqlite.statements counts the compiling");
            Assert.That(outcomes.Count(o => o == "reused"), Is.GreaterThanOrEqualTo(3), "and the reuse");
        }

        // No custodian (EF Core writes "IS NULL" for it: another text, compiled once more).
        await using (var a = cached.CreateDbContext())
        await using (var b = plain.CreateDbContext())
            Assert.That(Describe(await QueryAsync(a, null, true, 2)), Is.EqualTo(Describe(await QueryAsync(b, null, true, 2))));

        // Scalars, aggregates and projections read through the cached statement's reader too.
        await using var c = cached.CreateDbContext();
        await using var d = plain.CreateDbContext();
        Assert.That(await c.Resources.CountAsync(r => r.Custodian == null), Is.EqualTo(await d.Resources.CountAsync(r => r.Custodian == null)));
        Assert.That(await c.Resources.MaxAsync(r => (long?)r.LastUpdated), Is.EqualTo(await d.Resources.MaxAsync(r => (long?)r.LastUpdated)));
        Assert.That(await c.Resources.AnyAsync(r => r.ResourceId == "none"), Is.False);
        var pairs = await c.Resources.Where(r => r.IsDeleted).Select(r => new { r.ResourceId, r.Json, Half = r.VersionId / 2.0 }).OrderBy(p => p.ResourceId).ToListAsync();
        var expected = await d.Resources.Where(r => r.IsDeleted).Select(r => new { r.ResourceId, r.Json, Half = r.VersionId / 2.0 }).OrderBy(p => p.ResourceId).ToListAsync();
        Assert.That(pairs, Is.EqualTo(expected));
        Assert.That(pairs.All(p => p.Json is null), "deleted rows have no JSON: NULL read as null");
    }

    [Test]
    public async Task A_reader_disposed_part_way_leaves_no_read_transaction_behind()
    {
        await SeedAsync(30);
        var cached = Factory(64);
        for (var i = 0; i < 2; i++) // the second time from the cache
        {
            await using var db = cached.CreateDbContext();
            await using var rows = db.Resources.AsNoTracking().OrderBy(r => r.Id).AsAsyncEnumerable().GetAsyncEnumerator();
            Assert.That(await rows.MoveNextAsync(), Is.True);
            // Leave the other rows unread: the enumerator's disposal must end the statement's read.
        }
        Assert.That(cached.StatementCache!.Reused, Is.EqualTo(1));

        // A write after it, then a checkpoint that must wait for every reader of an older snapshot.
        await using (var db = Factory(0).CreateDbContext())
        {
            db.Resources.Add(Row("after", "ORG1", false, 99));
            await db.SaveChangesAsync();
        }
        await using var connection = new SqliteConnection($"Data Source={_database.SqlitePath};Pooling=False");
        await connection.OpenAsync();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await using var result = await checkpoint.ExecuteReaderAsync();
        Assert.That(await result.ReadAsync(), Is.True);
        Assert.That(result.GetInt64(0), Is.Zero, "busy: a connection still held a read transaction open");
    }

    [Test]
    public async Task Writes_are_left_to_Microsoft_Data_Sqlite_and_get_their_generated_ids()
    {
        var cached = Factory(64);
        await using var db = cached.CreateDbContext();
        var first = Row("w1", "ORG1", false, 1);
        var second = Row("w2", null, false, 1);
        db.Resources.AddRange(first, second);
        await db.SaveChangesAsync();
        Assert.That(first.Id, Is.GreaterThan(0));
        Assert.That(second.Id, Is.Not.EqualTo(first.Id));
        Assert.That(cached.StatementCache!.Compiled, Is.Zero, "an INSERT ... RETURNING is not a read statement");
        Assert.That(await db.Resources.CountAsync(), Is.EqualTo(2));
        Assert.That(cached.StatementCache.Compiled, Is.EqualTo(1));
    }

    [Test]
    public async Task An_error_while_a_cached_statement_runs_is_thrown_and_the_connection_goes_on()
    {
        var cached = Factory(64);
        const string sql = "SELECT CAST(value AS INTEGER) AS \"Value\" FROM json_each({0})";
        await using (var db = cached.CreateDbContext())
            Assert.That(await db.Database.SqlQueryRaw<long>(sql, "[1,2,3]").ToListAsync(), Is.EqualTo(new long[] { 1, 2, 3 }));
        await using (var db = cached.CreateDbContext())
        {
            var error = Assert.ThrowsAsync<SqliteException>(async () => await db.Database.SqlQueryRaw<long>(sql, "not json").ToListAsync());
            Assert.That(error!.Message, Does.Contain("JSON"));
        }
        await using (var db = cached.CreateDbContext())
            Assert.That(await db.Database.SqlQueryRaw<long>(sql, "[4]").ToListAsync(), Is.EqualTo(new long[] { 4 }));
    }

    [Test]
    public async Task The_same_statement_open_twice_at_once_on_one_connection_gives_both_readers_their_rows()
    {
        await SeedAsync(10);
        var cached = Factory(64);
        await using var db = cached.CreateDbContext();
        await db.Database.OpenConnectionAsync();
        var outer = new List<string>();
        await foreach (var row in db.Resources.AsNoTracking().Where(r => r.VersionId > 0).OrderBy(r => r.Id).AsAsyncEnumerable())
        {
            // While the outer reader is open, the same text again on the same connection: a second statement.
            var inner = await db.Resources.AsNoTracking().Where(r => r.VersionId > row.VersionId).OrderBy(r => r.Id).Select(r => r.ResourceId).ToListAsync();
            Assert.That(inner, Has.Count.EqualTo(10 - row.VersionId));
            outer.Add(row.ResourceId);
        }
        Assert.That(outer, Has.Count.EqualTo(10));
    }

    [Test]
    public async Task A_cached_statement_follows_a_schema_change()
    {
        await SeedAsync(5);
        var cached = Factory(64);
        const string sql = "SELECT COUNT(*) AS \"Value\" FROM resource_versions WHERE \"VersionId\" >= {0}";
        await using (var db = cached.CreateDbContext())
            Assert.That(await db.Database.SqlQueryRaw<long>(sql, 1).SingleAsync(), Is.EqualTo(5));
        await using (var db = Factory(0).CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("CREATE INDEX ix_cache_test ON resource_versions (\"VersionId\" DESC);");
        await using (var db = cached.CreateDbContext())
            Assert.That(await db.Database.SqlQueryRaw<long>(sql, 3).SingleAsync(), Is.EqualTo(3));
        Assert.That(cached.StatementCache!.Reused, Is.EqualTo(1));
    }

    [Test]
    public void Without_connection_pooling_nothing_is_kept()
    {
        var unpooled = Factory(64, $"Data Source={_database.SqlitePath};Pooling=False");
        using var db = unpooled.CreateDbContext();
        Assert.That(unpooled.StatementCache, Is.Null, "each close ends the native connection: a kept statement would only hold it open");
    }
}
