using System.Net;
using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// The patient's access log (docs/consent.md, "The patient's access log"): a patient token sees who
/// looked at their record, from which organisation and why, in views that name only their own items
/// they may see; the privacy officer keeps the full events, which no patient token reaches by any path.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class PatientAccessLogTests(StorageProvider provider) : ApiFixture(provider)
{
    private const string Gp = "ALG01";
    private const string Hospital = "ALH01";
    private const string Doctor = "dr-okafor";

    private HttpClient _gp = null!;
    private HttpClient _doctor = null!;
    private HttpClient _officer = null!;

    [OneTimeSetUp]
    public async Task RegisterAsync()
    {
        await RegisterOrganizationAsync(Gp, "gp-practice");
        await RegisterOrganizationAsync(Hospital, "hospital-trust");
        _gp = ClientFor(Gp, "clinician", "user/*.cruds");
        _doctor = ClientWithToken(TestTokens.Create(Hospital, "clinician", "user/*.rs", sub: Doctor));
        _officer = ClientFor(Hospital, "privacy-officer", "user/*.rs");
    }

    [OneTimeTearDown]
    public void DisposeClients()
    {
        _gp.Dispose();
        _doctor.Dispose();
        _officer.Dispose();
    }

    private sealed record Record(string Patient, string Observation, string NoPat, string Other, string OtherObservation, string Code);

    // Patient A with a plain and a NOPAT Observation, patient B with one; all three share a code of their own.
    private async Task<Record> RecordAsync()
    {
        var code = $"{Random.Shared.Next(100000, 999999)}1000000105";
        var a = await CreateAsync(Builders.Patient("Quillfeather", "Ada", Builders.NextNhsNumber()));
        var b = await CreateAsync(Builders.Patient("Brackenridge", "Bea", Builders.NextNhsNumber()));
        var plain = await CreateAsync(Builders.Observation(a, code));
        var nopat = Builders.Observation(a, code);
        nopat.Meta = new Meta { Security = [new Coding(KnownSystems.V3ActCode, "NOPAT")] };
        var hidden = await CreateAsync(nopat);
        var other = await CreateAsync(Builders.Observation(b, code));
        return new Record(a, plain, hidden, b, other, code);
    }

    private async Task<string> CreateAsync(Resource resource)
    {
        var response = await _gp.SendAsync(HttpMethod.Post, $"/fhir/{resource.TypeName}", FhirHttp.JsonBody(resource));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Resource>()).Id!;
    }

    private HttpClient PatientClient(string patient) => ClientFor(Gp, "patient", "patient/*.rs", patient: patient);

    private static async Task<Bundle> SearchAsync(HttpClient client, string url)
    {
        var response = await client.SendAsync(HttpMethod.Get, url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<Bundle>();
    }

    private static List<AuditEvent> Events(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();

    private static bool IsPatientView(AuditEvent audit) => audit.Meta?.Tag.Any(t => t.System == KnownAudit.View && t.Code == KnownAudit.PatientView) == true;

    private static bool Names(AuditEvent audit, string reference) => audit.Entity.Any(e => e.What?.Reference == reference);

    [Test]
    public async Task The_patient_sees_who_looked_from_which_organisation_and_why()
    {
        var r = await RecordAsync();
        Assert.That((await _doctor.SendAsync(HttpMethod.Get, $"/fhir/Observation/{r.Observation}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var patient = PatientClient(r.Patient);
        var log = Events(await SearchAsync(patient, $"/fhir/AuditEvent?patient={r.Patient}&_count=200"));
        var read = log.Single(a => Names(a, $"Observation/{r.Observation}") && a.Agent.Any(g => g.Who?.Identifier?.Value == Doctor));

        Assert.That(IsPatientView(read), Is.True, "the patient is given their view, not the full event");
        var who = read.Agent.Single(g => g.Requestor == true);
        Assert.That(who.Name, Is.EqualTo("Test clinician"), "who looked");
        Assert.That(who.Role.SelectMany(c => c.Coding).Select(c => c.Code), Does.Contain("clinician"));
        Assert.That(read.Agent.Any(g => g.Who?.Identifier?.System == KnownSystems.OdsOrganisationCode && g.Who.Identifier.Value == Hospital), Is.True, "from which organisation");
        Assert.That(read.PurposeOfEvent.SelectMany(p => p.Coding).Select(c => c.Code), Does.Contain("TREAT"), "why");
        Assert.That(read.Subtype.Select(c => c.Code), Does.Contain("read"));
        Assert.That(read.Outcome, Is.EqualTo(AuditEvent.AuditEventOutcome.N0));
        Assert.That(read.Recorded, Is.Not.Null);
        Assert.That(Names(read, $"Patient/{r.Patient}"), Is.True);
        Assert.That(read.Entity.SelectMany(e => e.Detail).Select(d => d.Type), Is.EquivalentTo(new[] { "X-Request-Id" }), "no request line");
        Assert.That(who.Policy, Is.Empty, "no token id");
    }

    [Test]
    public async Task Break_glass_shows_its_purpose_to_the_patient_but_not_the_free_text()
    {
        var r = await RecordAsync();
        using var btg = ClientFor(Hospital, "clinician", "user/*.rs", purpose: "BTG");
        var response = await btg.SendAsync(HttpMethod.Get, $"/fhir/Observation/{r.Observation}", configure: m => m.Headers.Add("X-Break-Glass-Reason", "Unresponsive, Zephyrine ward"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var patient = PatientClient(r.Patient);
        var log = Events(await SearchAsync(patient, $"/fhir/AuditEvent?patient={r.Patient}&_count=200"));
        var glass = log.Single(a => a.PurposeOfEvent.SelectMany(p => p.Coding).Any(c => c.Code == "BTG"));
        Assert.That(Names(glass, $"Observation/{r.Observation}"), Is.True);
        Assert.That(glass.Subtype.Select(c => c.Code), Does.Contain("AuthZ-Consent"));
        Assert.That(FhirSerialization.ToJson(glass), Does.Not.Contain("Zephyrine"));
        Assert.That(glass.Meta.Tag.Select(t => t.System), Does.Not.Contain(KnownAudit.Review), "the review workflow stays on the full event");
    }

    [Test]
    public async Task A_search_across_patients_gives_each_patient_only_their_own_visible_items()
    {
        var r = await RecordAsync();
        var search = await SearchAsync(_doctor, $"/fhir/Observation?code={KnownSystems.Snomed}%7C{r.Code}");
        Assert.That(search.Entry.Count(e => e.Resource is Observation), Is.EqualTo(3), "the clinician's search released all three");

        using var patient = PatientClient(r.Patient);
        var body = await (await patient.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?patient={r.Patient}&_count=200")).Content.ReadAsStringAsync();
        foreach (var forbidden in new[] { r.NoPat, r.Other, r.OtherObservation, r.Code })
            Assert.That(body, Does.Not.Contain(forbidden), "the patient's access log names no other patient, no NOPAT item and no query");
        var log = Events(await SearchAsync(patient, $"/fhir/AuditEvent?patient={r.Patient}&_count=200"));
        var view = log.Single(a => a.Subtype.Any(c => c.Code == "search-type") && a.Agent.Any(g => g.Who?.Identifier?.Value == Hospital));
        Assert.That(view.Entity.Select(e => e.What?.Reference).OfType<string>(), Is.EquivalentTo(new[] { $"Patient/{r.Patient}", $"Observation/{r.Observation}" }));

        // Searching the log by entity finds nothing about what the patient may not see, and counts nothing either.
        foreach (var hidden in new[] { $"Observation/{r.NoPat}", $"Observation/{r.OtherObservation}", $"Patient/{r.Other}" })
        {
            var found = await SearchAsync(patient, $"/fhir/AuditEvent?entity={hidden}&_total=accurate");
            Assert.That(found.Total, Is.EqualTo(0), hidden);
            Assert.That(Events(found), Is.Empty, hidden);
            Assert.That((await SearchAsync(patient, $"/fhir/AuditEvent?entity={hidden}&_summary=count")).Total, Is.EqualTo(0), hidden);
        }
        Assert.That((await SearchAsync(patient, $"/fhir/AuditEvent?entity=Observation/{r.Observation}&_total=accurate")).Total, Is.GreaterThanOrEqualTo(1));

        // The other patient gets a view of the same search naming only their own item.
        using var other = PatientClient(r.Other);
        var otherView = Events(await SearchAsync(other, $"/fhir/AuditEvent?patient={r.Other}&_count=200"))
            .Single(a => a.Subtype.Any(c => c.Code == "search-type") && a.Agent.Any(g => g.Who?.Identifier?.Value == Hospital));
        Assert.That(otherView.Entity.Select(e => e.What?.Reference).OfType<string>(), Is.EquivalentTo(new[] { $"Patient/{r.Other}", $"Observation/{r.OtherObservation}" }));
    }

    [Test]
    public async Task The_privacy_officer_keeps_the_full_event_which_no_patient_reaches()
    {
        var r = await RecordAsync();
        await SearchAsync(_doctor, $"/fhir/Observation?code={KnownSystems.Snomed}%7C{r.Code}");

        var all = Events(await SearchAsync(_officer, $"/fhir/AuditEvent?entity=Observation/{r.NoPat}&_count=200"));
        var full = all.Single(a => !IsPatientView(a) && a.Subtype.Any(c => c.Code == "search-type") && a.Agent.Any(g => g.Who?.Identifier?.Value == Hospital));
        foreach (var reference in new[] { $"Patient/{r.Patient}", $"Patient/{r.Other}", $"Observation/{r.NoPat}", $"Observation/{r.OtherObservation}" })
            Assert.That(Names(full, reference), Is.True, reference);
        Assert.That(full.Meta.Security.Select(c => c.Code), Does.Contain("NOPAT"));
        Assert.That(full.Entity.Any(e => e.Description?.Contains(r.Code) == true), Is.True, "the query");
        Assert.That(full.Agent.Single(g => g.Requestor == true).Policy.Single(), Does.StartWith("urn:ietf:params:oauth:jti:"));

        // The views of the same request share its X-Request-Id, and _tag:not leaves them out.
        static string RequestId(AuditEvent a) => a.Entity.SelectMany(e => e.Detail).Where(d => d.Type == "X-Request-Id").Select(d => d.Value.ToString()!).Single();
        var byPatient = Events(await SearchAsync(_officer, $"/fhir/AuditEvent?patient={r.Patient}&_count=200"));
        Assert.That(byPatient.Where(IsPatientView).Select(RequestId), Does.Contain(RequestId(full)));
        var withoutViews = Events(await SearchAsync(_officer, $"/fhir/AuditEvent?patient={r.Patient}&_tag:not={KnownAudit.View}%7C{KnownAudit.PatientView}&_count=200"));
        Assert.That(withoutViews.Where(IsPatientView), Is.Empty);
        Assert.That(withoutViews.Select(a => a.Id), Does.Contain(full.Id));

        // No patient token reaches the full event: read, vread, history, $everything or system history.
        using var patient = PatientClient(r.Patient);
        Assert.That((await patient.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent/{full.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await patient.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent/{full.Id}/_history/1")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await patient.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent/{full.Id}/_history")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var everything = await (await patient.SendAsync(HttpMethod.Get, $"/fhir/Patient/{r.Patient}/$everything?_type=AuditEvent&_count=500")).Content.ReadAsStringAsync();
        Assert.That(everything, Does.Not.Contain(full.Id).And.Not.Contain(r.NoPat));
        var history = await (await patient.SendAsync(HttpMethod.Get, "/fhir/_history?_count=500")).Content.ReadAsStringAsync();
        Assert.That(history, Does.Not.Contain(full.Id).And.Not.Contain(r.NoPat));
    }

    [Test]
    public async Task The_patients_paged_access_log_in_everything_ends()
    {
        var r = await RecordAsync();
        await _doctor.SendAsync(HttpMethod.Get, $"/fhir/Observation/{r.Observation}");
        using var patient = PatientClient(r.Patient);

        // $everything leaves the access log out unless asked for it by _type.
        var record = await SearchAsync(patient, $"/fhir/Patient/{r.Patient}/$everything");
        Assert.That(record.Entry.Select(e => e.Resource).OfType<AuditEvent>(), Is.Empty);

        // Each page is audited into the same compartment; the pass still ends, at the events recorded before it began.
        var before = Events(await SearchAsync(patient, $"/fhir/AuditEvent?patient={r.Patient}&_count=500")).Count + 1;
        var url = $"/fhir/Patient/{r.Patient}/$everything?_type=AuditEvent&_count=1";
        var pages = 0;
        for (var bundle = await SearchAsync(patient, url); ; bundle = await SearchAsync(patient, url))
        {
            pages++;
            Assert.That(pages, Is.LessThanOrEqualTo(before + 1), "paging ends");
            if (bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url is not { } next) break;
            url = next;
        }
        Assert.That(pages, Is.GreaterThanOrEqualTo(2));
    }
}
