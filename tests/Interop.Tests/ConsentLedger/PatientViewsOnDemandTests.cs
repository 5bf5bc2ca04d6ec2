using System.Net;
using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Core.Fhir;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// Patients' views of accesses are stored as AuditEvents when they are asked for
/// (docs/decisions/0008-patient-views-on-demand.md): a patient's query stores all of that patient's
/// and no one else's. This gateway never stores them while idle and lets a privacy officer's query
/// store none, so what is stored shows exactly who asked.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class PatientViewsOnDemandTests(StorageProvider provider) : ApiFixture(provider)
{
    private const string Gp = "PVD01";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Audit:StoreViewsWhenIdle"] = "false",
        ["Audit:MaxViewsPerCatchUp"] = "0",
    };

    private async Task<string> CreatePatientAsync(HttpClient gp, string family)
    {
        var response = await gp.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(family, "Pat", Builders.NextNhsNumber())));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Patient>()).Id!;
    }

    private async Task<int> PendingAsync(string patient)
    {
        await using var db = Database.CreateContext();
        return await db.AuditPendingViews.CountAsync(v => v.PatientId == patient) + await db.AuditViewSources.CountAsync(v => v.PatientId == patient);
    }

    /// <summary>
    /// Once the journal is drained (the materialiser runs in the background), the pending-views gauge
    /// equals the rows waiting: polled, because a batch commits before its count is added.
    /// </summary>
    private async Task<bool> GaugeMatchesTableAsync()
    {
        var materializer = Factory.Services.GetRequiredService<AuditMaterializer>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await using var db = Database.CreateContext();
            var waiting = await db.AuditPendingViews.CountAsync() + await db.AuditViewSources.CountAsync();
            if (materializer.Backlog == 0 && waiting > 0 && materializer.PendingViews == waiting) return true;
            await Task.Delay(100);
        }
        return false;
    }

    private static List<AuditEvent> Events(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();

    private static bool IsPatientView(AuditEvent e) => (e.Meta?.Tag ?? []).Any(t => t.System == KnownAudit.View);

    [Test]
    public async Task A_patients_query_stores_their_own_views_and_no_one_elses()
    {
        await RegisterOrganizationAsync(Gp, "gp-practice");
        using var gp = ClientFor(Gp, "clinician", "user/*.cruds");
        using var officer = ClientFor(Gp, "privacy-officer", "user/*.rs");
        var ann = await CreatePatientAsync(gp, "Viewmore");
        var bob = await CreatePatientAsync(gp, "Viewless");
        var (traceId, traceParent) = AuditTrail.NewTrace();
        Assert.That((await gp.SendAsync(HttpMethod.Get, $"/fhir/Patient/{ann}", null, r => r.Headers.Add("traceparent", traceParent))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await gp.SendAsync(HttpMethod.Get, $"/fhir/Patient/{bob}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The officer's query stores the full events (the journal) but, on this gateway, no views.
        var asOfficer = Events(await (await officer.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?patient=Patient/{ann}&_count=100")).ReadAsync<Bundle>());
        Assert.That(asOfficer.Where(e => !IsPatientView(e)).SelectMany(e => e.Entity.SelectMany(x => x.Detail)).Any(d => (d.Value as FhirString)?.Value == traceId), Is.True, "the full event of the read is there");
        Assert.That(asOfficer.Where(IsPatientView), Is.Empty, "no view yet");
        Assert.That(await PendingAsync(ann), Is.GreaterThan(0));
        var bobsPending = await PendingAsync(bob);
        Assert.That(bobsPending, Is.GreaterThan(0));
        Assert.That(await GaugeMatchesTableAsync(), Is.True, "the interop.audit.pending_views gauge counts them");

        using var annApp = ClientFor(Gp, "patient", "patient/*.rs", patient: ann);
        var asAnn = Events(await (await annApp.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?patient=Patient/{ann}&_count=100")).ReadAsync<Bundle>());
        var read = asAnn.Where(e => e.Entity.SelectMany(x => x.Detail).Any(d => (d.Value as FhirString)?.Value == traceId)).ToList();
        Assert.That(read, Has.Count.EqualTo(1), "Ann sees her view of the read at once");
        Assert.That(IsPatientView(read[0]), Is.True);
        Assert.That(await PendingAsync(ann), Is.Zero, "all of Ann's views are stored");
        Assert.That(await PendingAsync(bob), Is.EqualTo(bobsPending), "Bob's wait for Bob");
        Assert.That(await GaugeMatchesTableAsync(), Is.True, "and follows them as they are stored");
    }

    [Test]
    public async Task A_patients_query_that_cannot_answer_with_AuditEvents_does_not_wait_for_them()
    {
        const string practice = "PVD02";
        await RegisterOrganizationAsync(practice, "gp-practice");
        using var gp = ClientFor(practice, "clinician", "user/*.cruds");
        var ann = await CreatePatientAsync(gp, "Waitless");
        Assert.That((await gp.SendAsync(HttpMethod.Get, $"/fhir/Patient/{ann}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        for (var attempt = 0; attempt < 100 && await PendingAsync(ann) == 0; attempt++) await Task.Delay(100);
        Assert.That(await PendingAsync(ann), Is.GreaterThan(0), "the clinician's read left Ann a view to store");

        using var annApp = ClientFor(practice, "patient", "patient/*.rs", patient: ann);
        Assert.That((await annApp.SendAsync(HttpMethod.Get, $"/fhir/Patient/{ann}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await annApp.SendAsync(HttpMethod.Get, $"/fhir/Patient/{ann}/$everything")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await PendingAsync(ann), Is.GreaterThan(0), "reading her record, which cannot answer with AuditEvents, stores none of her views");

        // A POST search's parameters are in its body (here they could have asked for _revinclude=AuditEvent:patient): it catches up.
        var posted = await annApp.PostAsync("/fhir/Patient/_search", new FormUrlEncodedContent(new Dictionary<string, string> { ["_id"] = ann }));
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await posted.Content.ReadAsStringAsync());
        Assert.That(await PendingAsync(ann), Is.Zero, "a POST search stores her views first");
        Assert.That((await gp.SendAsync(HttpMethod.Get, $"/fhir/Patient/{ann}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        for (var attempt = 0; attempt < 100 && await PendingAsync(ann) == 0; attempt++) await Task.Delay(100);
        Assert.That(await PendingAsync(ann), Is.GreaterThan(0), "another read by the clinician, another view");

        var log = Events(await (await annApp.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?patient=Patient/{ann}&_count=100")).ReadAsync<Bundle>());
        Assert.That(log, Is.Not.Empty);
        Assert.That(await PendingAsync(ann), Is.Zero, "her access-log query stores them all first");
    }

    [Test]
    public async Task A_view_waiting_in_the_earlier_form_is_stored_with_the_compact_ones()
    {
        await RegisterOrganizationAsync(Gp, "gp-practice");
        using var gp = ClientFor(Gp, "clinician", "user/*.cruds");
        var cal = await CreatePatientAsync(gp, "Viewolder");
        Assert.That((await gp.SendAsync(HttpMethod.Get, $"/fhir/Patient/{cal}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // A view as an earlier release kept it (the AuditEvent's FHIR JSON), e.g. left by a replica during a rolling upgrade.
        var requestId = Guid.NewGuid().ToString("N");
        var earlier = AuditEventBuilder.BuildPatientView(new AuditEntry
        {
            Recorded = DateTimeOffset.UtcNow.AddMinutes(-5), Interaction = Interop.Api.Fhir.FhirInteraction.Read, Status = 200,
            UserId = "old@PVD01", UserName = "Earlier form", Role = "clinician", Organization = Gp, PurposeOfUse = "TREAT", RequestId = requestId,
        }, cal, [], []);
        await using (var db = Database.CreateContext())
        {
            db.AuditPendingViews.Add(new Interop.Storage.Entities.AuditPendingViewRow
            {
                PatientId = cal, RecordedAt = Interop.Storage.Instants.ToStored(earlier.Recorded!.Value), Json = FhirSerialization.ToJson(earlier),
            });
            await db.SaveChangesAsync();
        }

        using var calApp = ClientFor(Gp, "patient", "patient/*.rs", patient: cal);
        var asCal = Events(await (await calApp.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?patient=Patient/{cal}&_count=100")).ReadAsync<Bundle>());

        Assert.That(asCal.Any(e => e.Entity.SelectMany(x => x.Detail).Any(d => (d.Value as FhirString)?.Value == requestId)), Is.True, "the earlier form is stored");
        Assert.That(asCal.Where(IsPatientView).Count(e => e.Subtype.Any(s => s.Code == "read") && e.Agent.All(a => a.Name != "Earlier form")), Is.EqualTo(1), "and the compact view of the GP's read");
        Assert.That(await PendingAsync(cal), Is.Zero);
    }

    [TestCase("Patient/1", false)]
    [TestCase("Observation?code=http://loinc.org|1234-5", false)]
    [TestCase("Patient?_revinclude=Observation:subject", false)]
    [TestCase("Patient/1/$everything", false)]
    [TestCase("AuditEvent?patient=Patient/1", true)]
    [TestCase("AuditEvent/1", true)]
    [TestCase("Patient/1/$everything?_type=AuditEvent", true)]
    [TestCase("Patient?_revinclude=AuditEvent:patient", true)]
    [TestCase("Patient?_has:AuditEvent:patient:action=R", true)]
    [TestCase("Patient?_revinclude=*", true)]
    [TestCase("Patient?_revinclude%3Aiterate=%2A", true)]
    [TestCase("Provenance?_include=Provenance:target", true)]
    [TestCase("?_type=Patient", true)]
    [TestCase("_history", true)]
    public void Which_queries_can_answer_with_AuditEvents(string url, bool expected) =>
        Assert.That(AuditCatchUpFilter.MayAnswerWithAuditEvents(url), Is.EqualTo(expected));
}
