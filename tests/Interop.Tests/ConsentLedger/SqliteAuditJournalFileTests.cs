using System.Net;
using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Storage;
using Interop.Storage.Entities;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// On SQLite the audit journal is a database file of its own, claimed through a cursor in the main
/// database (docs/decisions/0010-sqlite-audit-journal-file.md). Each test runs gateways of its own,
/// one after another, on one fresh database.
/// </summary>
[TestFixture]
public sealed class SqliteAuditJournalFileTests
{
    private TestDatabase _database = null!;

    [SetUp]
    public async Task CreateDatabaseAsync() => _database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);

    [TearDown]
    public async Task DropDatabaseAsync() => await _database.DisposeAsync();

    private string JournalFile => _database.SqlitePath + SqliteFileAuditJournal.FileSuffix;

    private static async Task<string> CreatePatientAsync(GatewayFactory gateway)
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Administrator());
        var response = await client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Filed", "Fay", Builders.NextNhsNumber())));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Patient>()).Id!;
    }

    private static async Task<string> ReadAsync(GatewayFactory gateway, string patient)
    {
        var (traceId, traceParent) = AuditTrail.NewTrace();
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Administrator());
        var response = await client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}", null, r => r.Headers.Add("traceparent", traceParent));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return traceId;
    }

    private static async Task CatchUpAsync(GatewayFactory gateway) =>
        await gateway.Services.GetRequiredService<AuditMaterializer>().CatchUpAsync(CancellationToken.None);

    private async Task<long> CursorAsync()
    {
        await using var db = _database.CreateContext();
        return await db.AuditJournalCursor.Select(c => c.StoredThrough).SingleAsync();
    }

    [Test]
    public async Task Requests_are_journalled_in_the_file_and_the_cursor_moves_as_their_AuditEvents_are_stored()
    {
        await using var gateway = new GatewayFactory(_database);
        var patient = await CreatePatientAsync(gateway);
        var traceId = await ReadAsync(gateway, patient);

        Assert.That(File.Exists(JournalFile), Is.True);
        await CatchUpAsync(gateway);
        Assert.That(await CursorAsync(), Is.GreaterThanOrEqualTo(2), "the create and the read are stored");
        await CatchUpAsync(gateway);
        Assert.That((await AuditTrail.CountByRequestIdAsync(_database)).GetValueOrDefault(traceId), Is.EqualTo(1), "once, however often the journal is caught up");
        await using var db = _database.CreateContext();
        Assert.That(await db.AuditJournal.CountAsync(), Is.Zero, "nothing goes to the main file's table");
    }

    [Test]
    public async Task Rows_an_earlier_version_left_in_the_table_are_stored_at_the_next_start()
    {
        string patient;
        await using (var first = new GatewayFactory(_database))
            patient = await CreatePatientAsync(first);

        // As an earlier version would have left it: a journalled read in the main file's table.
        var requestId = Guid.NewGuid().ToString("N");
        var entry = new AuditEntry
        {
            Recorded = DateTimeOffset.UtcNow.AddSeconds(-5), Interaction = Interop.Api.Fhir.FhirInteraction.Read, Status = 200,
            UserId = "dr-before", Role = "clinician", RequestId = requestId, Method = "GET", Path = $"/fhir/Patient/{patient}", Patients = [patient],
        };
        await using (var db = _database.CreateContext())
        {
            db.AuditJournal.Add(new AuditJournalRow { RecordedAt = Instants.ToStored(entry.Recorded), Entry = entry.ToJson() });
            await db.SaveChangesAsync();
        }

        await using var second = new GatewayFactory(_database);
        await CatchUpAsync(second);
        Assert.That((await AuditTrail.CountByRequestIdAsync(_database)).GetValueOrDefault(requestId), Is.EqualTo(1));
        await using (var db = _database.CreateContext())
            Assert.That(await db.AuditJournal.CountAsync(), Is.Zero, "and the table is empty");
    }

    [Test]
    public async Task A_journal_file_replaced_by_an_empty_one_does_not_reuse_ids_the_cursor_has_passed()
    {
        string patient;
        await using (var first = new GatewayFactory(_database))
        {
            patient = await CreatePatientAsync(first);
            for (var i = 0; i < 3; i++) await ReadAsync(first, patient);
        }
        Assert.That(await CursorAsync(), Is.GreaterThanOrEqualTo(4), "stopping stored everything");
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(JournalFile + suffix);

        await using var second = new GatewayFactory(_database);
        var traceId = await ReadAsync(second, patient);
        await CatchUpAsync(second);
        Assert.That((await AuditTrail.CountByRequestIdAsync(_database)).GetValueOrDefault(traceId), Is.EqualTo(1),
            "the read after the new file's first id is stored, not skipped as if already stored");
    }

    [Test]
    public async Task With_the_setting_off_the_journal_is_the_table_as_on_the_other_providers()
    {
        await using var gateway = new GatewayFactory(_database, new Dictionary<string, string?> { ["Audit:SqliteJournalInOwnFile"] = "false" });
        Assert.That(gateway.Services.GetRequiredService<IAuditJournal>(), Is.InstanceOf<TableAuditJournal>());
        var patient = await CreatePatientAsync(gateway);
        var traceId = await ReadAsync(gateway, patient);
        await CatchUpAsync(gateway);
        Assert.That((await AuditTrail.CountByRequestIdAsync(_database)).GetValueOrDefault(traceId), Is.EqualTo(1));
        Assert.That(File.Exists(JournalFile), Is.False);
    }
}
