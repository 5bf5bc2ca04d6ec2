using System.Net;
using Hl7.Fhir.Model;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Hosting;

/// <summary>
/// On SQLite the write-ahead log is copied back into the database file by a background connection
/// (<see cref="SqliteCheckpointer"/>, decision 0009), not inside the commit that holds the write lock;
/// <see cref="SqliteConnectionSetup"/> prepares every connection for that and keeps temporary tables in memory.
/// </summary>
[TestFixture]
public sealed class SqliteCheckpointTests
{
    private TestDatabase _database = null!;

    [SetUp]
    public async Task CreateDatabaseAsync() => _database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);

    [TearDown]
    public async Task DropDatabaseAsync() => await _database.DisposeAsync();

    private GatewayFactory Gateway(string interval) =>
        new(_database, new Dictionary<string, string?> { ["Storage:SqliteCheckpointInterval"] = interval });

    private static Task<long> AutoCheckpointOfAGatewayConnectionAsync(GatewayFactory factory) => PragmaOfAGatewayConnectionAsync(factory, "wal_autocheckpoint");

    private static async Task<long> PragmaOfAGatewayConnectionAsync(GatewayFactory factory, string pragma)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {pragma};";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WriteAsync(GatewayFactory factory, int patients)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Administrator());
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        for (var i = 0; i < patients; i++)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                Resource = new Patient { Name = [new HumanName { Family = $"Checkpoint{i}", Given = ["Ada"] }], BirthDate = "1970-01-01" },
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" },
            });
        var response = await client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Commits_leave_the_copy_to_the_background_checkpointer_which_copies_the_whole_log()
    {
        await using var factory = Gateway("00:00:00.100");
        await WriteAsync(factory, 50);

        Assert.That(await AutoCheckpointOfAGatewayConnectionAsync(factory), Is.Zero,
            "the gateway's own connections must not checkpoint inside their commits");

        var checkpointer = factory.Services.GetRequiredService<SqliteCheckpointer>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(checkpointer.LastCheckpoint.Log > 0 && checkpointer.LastCheckpoint.Copied == checkpointer.LastCheckpoint.Log && checkpointer.PendingFrames == 0)
               && DateTime.UtcNow < deadline)
            await Task.Delay(50);

        Assert.That(checkpointer.Checkpoints, Is.GreaterThan(0));
        Assert.That(checkpointer.LastCheckpoint.Log, Is.GreaterThan(0), "the writes went to the log");
        Assert.That(checkpointer.LastCheckpoint.Copied, Is.EqualTo(checkpointer.LastCheckpoint.Log), "every frame was copied back");
        Assert.That(checkpointer.PendingFrames, Is.Zero);
    }

    [Test]
    public async Task Under_reads_that_never_pause_the_log_still_restarts_instead_of_growing()
    {
        // SQLite writes from the start of the log again only when no read is using it; a passive
        // checkpoint alone let it grow by every commit under a steady load (3 GB in a benchmark).
        await using var factory = Gateway("00:00:00.100");
        await WriteAsync(factory, 1);
        var checkpointer = factory.Services.GetRequiredService<SqliteCheckpointer>();
        using var stop = new CancellationTokenSource();
        // Three readers, each holding its read for 20 ms and starting the next at once, a few ms apart:
        // at every moment some read is open on the log.
        var readers = Enumerable.Range(0, 3).Select(i => Task.Run(async () =>
        {
            await Task.Delay(7 * i);
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(_database.ConnectionString);
            await connection.OpenAsync();
            while (!stop.IsCancellationRequested)
            {
                using var read = connection.BeginTransaction(deferred: true); // a read, not a writer's BEGIN IMMEDIATE
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM resource_versions;";
                await command.ExecuteScalarAsync();
                await Task.Delay(20);
                read.Commit();
            }
        })).ToList();

        long peak = 0;
        var shrank = false;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!shrank && DateTime.UtcNow < deadline)
        {
            await WriteAsync(factory, 40);
            var log = checkpointer.LastCheckpoint.Log;
            shrank = peak > SqliteCheckpointer.RestartAboveFrames && log < peak;
            peak = Math.Max(peak, log);
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.That(peak, Is.GreaterThan(SqliteCheckpointer.RestartAboveFrames), "enough was written to need a restart");
        Assert.That(shrank, Is.True, $"the log should restart under steady reads; it grew to {peak} frames");
        Assert.That(checkpointer.Restarts, Is.GreaterThan(0));
    }

    [Test]
    public async Task Data_written_between_checkpoints_is_all_there_after_a_restart()
    {
        await using (var first = Gateway("00:00:00.050"))
        {
            for (var i = 0; i < 5; i++)
            {
                await WriteAsync(first, 40);
                await Task.Delay(60);
            }
        }
        await using var second = Gateway("00:00:00.050");
        using var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Administrator());
        var response = await client.SendAsync(HttpMethod.Get, "/fhir/Patient?family=Checkpoint&_summary=count");
        var bundle = await response.ReadAsync<Bundle>();
        Assert.That(bundle.Total, Is.EqualTo(200));
    }

    [Test]
    public async Task A_zero_interval_leaves_checkpoints_to_sqlite()
    {
        await using var factory = Gateway("00:00:00");
        await WriteAsync(factory, 5);

        Assert.That(await AutoCheckpointOfAGatewayConnectionAsync(factory), Is.EqualTo(1000), "SQLite's own default");
        Assert.That(factory.Services.GetRequiredService<SqliteCheckpointer>().Checkpoints, Is.Zero);
    }

    [TestCase("00:00:02")]
    [TestCase("00:00:00")]
    public async Task Temporary_tables_are_kept_in_memory(string interval)
    {
        await using var factory = Gateway(interval);
        Assert.That(await PragmaOfAGatewayConnectionAsync(factory, "temp_store"), Is.EqualTo(2), "2 = MEMORY (SQLite's build default is a file)");
    }

    [Test]
    public void A_negative_interval_stops_the_gateway_at_start_up()
    {
        var failure = GatewayFactory.StartupFailure(() => Gateway("-00:00:01"));
        Assert.That(failure.ToString(), Does.Contain("Storage:SqliteCheckpointInterval"));
    }
}
