using System.Net;
using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Api.Fhir;
using Interop.Core.Fhir;
using Interop.Storage;
using Interop.Storage.Entities;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// The audit journal (docs/decisions/0007-audit-journal.md): each request commits one journal row
/// before it is answered; AuditEvents are built from it afterwards, and anything that can answer
/// with AuditEvents brings them up to date first. This gateway runs with a backlog limit of 1,
/// batches of 2 and at most 5 released resources a batch, so back-pressure, multi-batch catch-up and
/// batches cut short by what they release are exercised on every request.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class AuditJournalTests(StorageProvider provider) : ApiFixture(provider)
{
    private const string Hospital = "AJH01";

    private HttpClient _clinician = null!;
    private HttpClient _officer = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Audit:MaxBacklog"] = "1",
        ["Audit:BatchSize"] = "2",
        ["Audit:MaxReleasedPerBatch"] = "5",
    };

    [OneTimeSetUp]
    public async Task RegisterAsync()
    {
        await RegisterOrganizationAsync(Hospital);
        _clinician = ClientFor(Hospital, "clinician", "user/*.cruds");
        _officer = ClientFor(Hospital, "privacy-officer", "user/*.rs");
    }

    [OneTimeTearDown]
    public void DisposeClients()
    {
        _clinician.Dispose();
        _officer.Dispose();
    }

    private async Task<string> CreatePatientAsync()
    {
        var response = await _clinician.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Journalson", "Jo", Builders.NextNhsNumber())));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Patient>()).Id!;
    }

    private async Task<List<AuditEvent>> OfficerSearchAsync(string query)
    {
        var response = await _officer.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?{query}&_count=1000");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Bundle>()).Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();
    }

    private static string? RequestId(AuditEvent e) => e.Entity.SelectMany(x => x.Detail)
        .Where(d => d.Type == "X-Request-Id").Select(d => (d.Value as FhirString)?.Value).FirstOrDefault();

    private static bool IsPatientView(AuditEvent e) => (e.Meta?.Tag ?? []).Any(t => t.System == KnownAudit.View);

    [Test]
    public async Task Many_concurrent_reads_are_each_audited_once_and_the_privacy_officer_sees_them_at_once()
    {
        var patient = await CreatePatientAsync();
        var traces = Enumerable.Range(0, 24).Select(_ => AuditTrail.NewTrace()).ToList();

        // Twenty-four reads at once against a backlog limit of one: requests wait for the materialiser, none fails.
        var statuses = await Task.WhenAll(traces.Select(async t =>
            (await _clinician.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}", null, r => r.Headers.Add("traceparent", t.TraceParent))).StatusCode));
        Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.OK));

        // Straight after the last answer, the officer's search finds every read: the full event and the patient's view.
        var events = await OfficerSearchAsync($"patient=Patient/{patient}");
        foreach (var (traceId, _) in traces)
        {
            var mine = events.Where(e => RequestId(e) == traceId).ToList();
            Assert.That(mine.Count(e => !IsPatientView(e)), Is.EqualTo(1), $"one full event for request {traceId}");
            Assert.That(mine.Count(IsPatientView), Is.EqualTo(1), $"one patient view for request {traceId}");
        }
        var full = events.First(e => RequestId(e) == traces[0].TraceId && !IsPatientView(e));
        Assert.That(full.Entity.Any(x => x.What?.Reference == $"Patient/{patient}" && x.Role?.Code == "4"), Is.True, "the released Patient is named");
        Assert.That(full.Agent.Any(a => a.Requestor == true && a.Who?.Identifier?.Value is not null), Is.True, "the user is named");
    }

    [Test]
    public async Task Accesses_that_release_more_than_a_batch_may_name_are_stored_one_batch_each_and_each_once()
    {
        var patient = await CreatePatientAsync();
        var observations = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var created = await _clinician.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient, value: i)));
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            observations.Add((await created.ReadAsync<Observation>()).Id!);
        }
        // Six searches at once, each releasing eight Observations: more than the five a batch may name,
        // so every batch stops after its first row.
        var traces = Enumerable.Range(0, 6).Select(_ => AuditTrail.NewTrace()).ToList();
        var statuses = await Task.WhenAll(traces.Select(async t => (await _clinician.SendAsync(HttpMethod.Get,
            $"/fhir/Observation?subject=Patient/{patient}&_count=50", null, r => r.Headers.Add("traceparent", t.TraceParent))).StatusCode));
        Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.OK));

        var events = await OfficerSearchAsync($"patient=Patient/{patient}");
        foreach (var (traceId, _) in traces)
        {
            var full = events.Where(e => RequestId(e) == traceId && !IsPatientView(e)).ToList();
            Assert.That(full, Has.Count.EqualTo(1), $"one full event for search {traceId}");
            Assert.That(full[0].Entity.Select(x => x.What?.Reference).Where(r => r?.StartsWith("Observation/", StringComparison.Ordinal) == true),
                Is.EquivalentTo(observations.Select(o => $"Observation/{o}")), "naming every released Observation");
            Assert.That(await StillJournalledAsync(traceId), Is.Zero);
        }
    }

    /// <summary>A journal row for a read of <paramref name="patient"/>, as if another replica committed it and stopped before storing its AuditEvents.</summary>
    private async Task<AuditEntry> JournalReadByAnotherInstanceAsync(string patient, DateTimeOffset recorded)
    {
        var entry = new AuditEntry
        {
            Recorded = recorded,
            Interaction = FhirInteraction.Read,
            Status = 200,
            UserId = "dr-elsewhere",
            Role = "clinician",
            Organization = Hospital,
            PurposeOfUse = "TREAT",
            RequestId = Guid.NewGuid().ToString("N"),
            Host = "replica-2",
            Method = "GET",
            Path = $"/fhir/Patient/{patient}",
            Patients = [patient],
        };
        await AppendToJournalAsync(new AuditJournalRow { RecordedAt = Instants.ToStored(entry.Recorded), Entry = entry.ToJson() });
        return entry;
    }

    /// <summary>Commits a row to the gateway's journal (the audit_journal table, or on SQLite its own file) as another instance would.</summary>
    private Task AppendToJournalAsync(AuditJournalRow row) =>
        Factory.Services.GetRequiredService<IAuditJournal>().AppendAsync([row], CancellationToken.None);

    /// <summary>Journal rows not yet stored as AuditEvents whose entry contains <paramref name="text"/>.</summary>
    private async Task<int> StillJournalledAsync(string text)
    {
        await using var db = Database.CreateContext();
        var pending = await Factory.Services.GetRequiredService<IAuditJournal>().PendingAsync(db, null, int.MaxValue, CancellationToken.None);
        return pending.Rows.Count(r => r.Entry.Contains(text));
    }

    [Test]
    public async Task Requests_held_for_the_backlog_do_not_wait_for_the_materialiser_to_finish_gathering()
    {
        // A gather pause far longer than the test. When the pause was fixed, the materialiser slept
        // through it after every batch that was not full, while the backlog passed its limit of one
        // and every request behind it waited for the pause to end: here, for an hour.
        var materializer = Factory.Services.GetRequiredService<AuditMaterializer>();
        var before = materializer.GatherDelay;
        materializer.GatherDelay = TimeSpan.FromHours(1);
        try
        {
            var patient = await CreatePatientAsync();
            var reads = Enumerable.Range(0, 24).Select(_ => _clinician.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}"));
            var answers = await Task.WhenAll(reads).WaitAsync(TimeSpan.FromMinutes(1));
            Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            materializer.GatherDelay = before;
        }
    }

    [Test]
    public void On_SQLite_the_journal_is_a_file_of_its_own_and_elsewhere_the_audit_journal_table()
    {
        var journal = Factory.Services.GetRequiredService<IAuditJournal>();
        if (Provider == StorageProvider.Sqlite)
        {
            Assert.That(journal, Is.InstanceOf<SqliteFileAuditJournal>());
            Assert.That(File.Exists(Database.SqlitePath + SqliteFileAuditJournal.FileSuffix), Is.True, "beside the database file");
        }
        else
        {
            Assert.That(journal, Is.InstanceOf<TableAuditJournal>());
        }
    }

    [Test]
    public async Task A_journal_row_left_by_another_instance_is_stored_as_AuditEvents_and_leaves_the_journal()
    {
        var patient = await CreatePatientAsync();
        var entry = await JournalReadByAnotherInstanceAsync(patient, DateTimeOffset.UtcNow.AddSeconds(-5));
        var requestId = entry.RequestId;

        var events = (await OfficerSearchAsync($"patient=Patient/{patient}")).Where(e => RequestId(e) == requestId).ToList();
        Assert.That(events.Count(e => !IsPatientView(e)), Is.EqualTo(1), "the full event");
        Assert.That(events.Count(IsPatientView), Is.EqualTo(1), "the patient's view");
        Assert.That(events[0].Recorded, Is.EqualTo(entry.Recorded).Within(TimeSpan.FromMilliseconds(1)), "recorded when the access happened, not when stored");
        Assert.That(await StillJournalledAsync(requestId), Is.Zero, "and it left the journal");
    }

    [Test]
    public async Task A_Bundle_that_searches_AuditEvents_first_stores_every_journalled_access()
    {
        var patient = await CreatePatientAsync();
        // Let the materialiser store that create and fall back to its sweep (every 2 s), so only a
        // catch-up by the Bundle itself can store the row below in time.
        await Task.Delay(300);
        var requestId = (await JournalReadByAnotherInstanceAsync(patient, DateTimeOffset.UtcNow.AddSeconds(-1))).RequestId;

        var batch = new Bundle { Type = Bundle.BundleType.Batch };
        batch.Entry.Add(new Bundle.EntryComponent
        {
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"AuditEvent?patient=Patient/{patient}&_count=1000" },
        });
        var response = await _officer.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(batch));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var found = (await response.ReadAsync<Bundle>()).Entry[0].Resource as Bundle;
        Assert.That(found, Is.Not.Null, "the GET entry answers with a searchset");
        var events = found!.Entry.Select(e => e.Resource).OfType<AuditEvent>().Where(e => RequestId(e) == requestId).ToList();
        Assert.That(events.Count(e => !IsPatientView(e)), Is.EqualTo(1), "the journalled access, stored before the Bundle's search ran");
        Assert.That(events.Count(IsPatientView), Is.EqualTo(1), "and the patient's view, as the entry names AuditEvent");
    }

    [Test]
    public async Task An_unreadable_journal_row_is_kept_as_an_event_for_the_privacy_officer()
    {
        var marker = Guid.NewGuid().ToString("N");
        await AppendToJournalAsync(new AuditJournalRow { RecordedAt = Instants.ToStored(DateTimeOffset.UtcNow), Entry = "{\"broken\": \"" + marker });

        var events = await OfficerSearchAsync("outcome=8");
        var kept = events.Where(e => e.Entity.Any(x => x.Query is { } q && System.Text.Encoding.UTF8.GetString(q).Contains(marker))).ToList();
        Assert.That(kept, Has.Count.EqualTo(1), "the raw text is kept in one event");
        Assert.That(kept[0].Meta.Security.Select(s => s.Code), Does.Contain("NOPAT"), "and no patient reaches it");
        Assert.That(await StillJournalledAsync(marker), Is.Zero, "the row does not block the journal");
    }

    [Test]
    public async Task Stopping_the_gateway_stores_every_journalled_access_as_AuditEvents()
    {
        // A gateway of its own on the same database, stopped straight after it answered.
        var patient = await CreatePatientAsync();
        var traces = Enumerable.Range(0, 6).Select(_ => AuditTrail.NewTrace()).ToList();
        await using (var other = new GatewayFactory(Database))
        {
            using var client = other.CreateClient();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Create(Hospital, "clinician", "user/*.rs"));
            foreach (var (_, traceParent) in traces)
            {
                var response = await client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}", null, r => r.Headers.Add("traceparent", traceParent));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }
        }

        var audited = await AuditTrail.CountByRequestIdAsync(Database);
        Assert.That(traces.Select(t => audited.GetValueOrDefault(t.TraceId)), Is.All.EqualTo(1), "each answered read is an AuditEvent once the gateway has stopped");
    }
}
