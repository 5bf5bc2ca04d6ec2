using System.Net;
using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Consent = Hl7.Fhir.Model.Consent;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// The consent policy over HTTP: dissent, organisation-specific denial, sensitive classes, NOPAT,
/// break-glass, withdrawal, custodians, and that nothing withheld leaks from any response.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class ConsentEnforcementTests(StorageProvider provider) : ApiFixture(provider)
{
    private const string Gp = "GPC01";
    private const string Hospital = "HSC01";
    private const string Council = "LAC01";
    private HttpClient _gp = null!;
    private HttpClient _hospital = null!;
    private HttpClient _council = null!;

    [OneTimeSetUp]
    public async Task OrganisationsAsync()
    {
        await RegisterOrganizationAsync(Gp, "gp-practice");
        await RegisterOrganizationAsync(Hospital, "hospital-trust");
        await RegisterOrganizationAsync(Council, "council");
        _gp = ClientFor(Gp, "clinician", "user/*.cruds");
        _hospital = ClientFor(Hospital, "clinician", "user/*.cruds");
        _council = ClientFor(Council, "clinician", "user/*.cruds");
    }

    /// <summary>A patient recorded by the GP with one observation, optionally labelled.</summary>
    private async Task<(string Patient, string Observation)> GpRecordAsync(params Coding[] labels)
    {
        var patient = (await (await _gp.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).ReadAsync<Patient>()).Id!;
        var obs = Builders.Observation(patient);
        if (labels.Length > 0) obs.Meta = new Meta { Security = [.. labels] };
        var created = await _gp.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(obs));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (patient, (await created.ReadAsync<Observation>()).Id!);
    }

    private async Task<string> RecordConsentAsync(Consent consent)
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Consent", FhirHttp.JsonBody(consent));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Consent>()).Id!;
    }

    [Test]
    public async Task Without_a_consent_direct_care_is_permitted()
    {
        var (_, obs) = await GpRecordAsync();
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Dissent_refuses_other_organisations_with_no_patient_consent_but_not_the_custodian()
    {
        var (patient, obs) = await GpRecordAsync();
        await RecordConsentAsync(ConsentBuilder.Dissent(patient));

        var refused = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var outcome = await refused.ReadAsync<OperationOutcome>();
        Assert.That(outcome.DetailCodes(), Does.Contain("NO_PATIENT_CONSENT"));
        Assert.That(outcome.Issue[0].Diagnostics, Does.Contain("break-glass"));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Not.Contain("\"value\":7.8"), "no clinical data in the refusal");

        Assert.That((await _gp.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the custodian always sees its own");
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "demographics stay findable");
    }

    [Test]
    public async Task Break_glass_overrides_dissent_and_is_flagged_for_review()
    {
        var (patient, obs) = await GpRecordAsync();
        await RecordConsentAsync(ConsentBuilder.Dissent(patient));
        using var btg = ClientFor(Hospital, "clinician", "user/*.rs", purpose: "BTG");
        var response = await btg.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}", configure: r => r.Headers.Add("X-Break-Glass-Reason", "Unconscious in ED, allergies unknown"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var audit = await AuditEventsAsync();
        var glass = audit.Where(a => a.Meta?.Tag.Any(t => t.Code == "pending") == true && a.Entity.Any(e => e.What?.Reference == $"Observation/{obs}")).ToList();
        Assert.That(glass, Has.Count.EqualTo(1));
        Assert.That(glass[0].Entity.SelectMany(e => e.Detail).Any(d => d.Value is FhirString s && s.Value.Contains("Unconscious")), Is.True);
        Assert.That(glass[0].Entity.Any(e => e.Name?.StartsWith("consent-ledger-entry-") == true), Is.True, "names the ledger entries used");
    }

    [Test]
    public async Task A_privacy_officer_lists_pending_break_glass_and_marks_one_reviewed()
    {
        var (patient, obs) = await GpRecordAsync();
        await RecordConsentAsync(ConsentBuilder.Dissent(patient));
        using var btg = ClientFor(Hospital, "clinician", "user/*.rs", purpose: "BTG");
        await btg.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}", configure: r => r.Headers.Add("X-Break-Glass-Reason", "Anaphylaxis"));

        using var officer = ClientFor(Hospital, "privacy-officer", "user/*.rs");
        var pending = await (await officer.SendAsync(HttpMethod.Get,
            $"/fhir/AuditEvent?_tag=https://interop.example/CodeSystem/break-glass-review|pending&patient={patient}")).ReadAsync<Bundle>();
        var audit = pending.Entry.Select(e => e.Resource).OfType<AuditEvent>().Single();

        Assert.That((await _hospital.SendAsync(HttpMethod.Post, $"/fhir/AuditEvent/{audit.Id}/$mark-reviewed")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var reviewed = await officer.SendAsync(HttpMethod.Post, $"/fhir/AuditEvent/{audit.Id}/$mark-reviewed");
        Assert.That(reviewed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reviewed.Content.ReadAsStringAsync());
        Assert.That((await reviewed.ReadAsync<AuditEvent>()).Meta.Tag.Select(t => t.Code), Does.Contain("reviewed").And.Not.Contain("pending"));
        var still = await (await officer.SendAsync(HttpMethod.Get,
            $"/fhir/AuditEvent?_tag=https://interop.example/CodeSystem/break-glass-review|pending&patient={patient}")).ReadAsync<Bundle>();
        Assert.That(still.Entry.Select(e => e.Resource).OfType<AuditEvent>(), Is.Empty);
    }

    [Test]
    public async Task Start_up_check_rebuilds_rules_that_disagree_with_the_ledger()
    {
        var (patient, obs) = await GpRecordAsync();
        await RecordConsentAsync(ConsentBuilder.Dissent(patient));
        using (var scope = Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
            db.ConsentRules.RemoveRange(db.ConsentRules.Where(r => r.PatientId == patient));
            db.SaveChanges();
        }
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "rules lost");
        using (var scope = Factory.Services.CreateScope())
            await Interop.Api.Hosting.StartupTasks.CheckConsentRulesAsync(scope.ServiceProvider, CancellationToken.None);
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "rebuilt from the ledger");
    }

    [Test]
    public async Task A_conditional_create_that_matches_a_withheld_item_does_not_return_it()
    {
        var (_, obs) = await GpRecordAsync(new Coding(KnownSystems.V3ActCode, "PSY"));
        var marker = Guid.NewGuid().ToString("N");
        var patch = await Client.SendAsync(HttpMethod.Patch, $"/fhir/Observation/{obs}",
            new StringContent($"[{{\"op\":\"add\",\"path\":\"/identifier\",\"value\":[{{\"system\":\"urn:test:obs\",\"value\":\"{marker}\"}}]}}]", System.Text.Encoding.UTF8, "application/json-patch+json"));
        Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK), await patch.Content.ReadAsStringAsync());

        var attempt = Builders.Observation("x");
        attempt.Identifier.Add(new Identifier("urn:test:obs", marker));
        var response = await _hospital.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(attempt), r => r.Headers.Add("If-None-Exist", $"identifier=urn:test:obs|{marker}"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Not.Contain("\"value\":7.8").And.Not.Contain(obs), "the withheld match's content and id stay out");

        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{Guid.NewGuid()}", Resource = attempt,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Observation", IfNoneExist = $"identifier=urn:test:obs|{marker}" } });
        var tx = await _hospital.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle), r => r.Headers.Add("Prefer", "return=representation"));
        Assert.That(await tx.Content.ReadAsStringAsync(), Does.Not.Contain("\"value\":7.8"));
    }

    [Test]
    public async Task Organisation_specific_deny_withholds_as_not_found_from_that_organisation_only()
    {
        var (patient, obs) = await GpRecordAsync();
        await RecordConsentAsync(ConsentBuilder.DenyOrganisation(patient, Council));
        var council = await _council.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}");
        Assert.That(council.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await council.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("RESOURCE_NOT_FOUND"));
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Nested_exception_permits_one_organisation_through_a_dissent()
    {
        var (patient, obs) = await GpRecordAsync();
        var consent = ConsentBuilder.Dissent(patient);
        consent.Provision.Provision.Add(new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Permit, Actor = [ConsentBuilder.Actor(Hospital)] });
        await RecordConsentAsync(consent);
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _council.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_dissent_whose_period_has_ended_no_longer_applies()
    {
        var (patient, obs) = await GpRecordAsync();
        var consent = ConsentBuilder.Dissent(patient);
        consent.Provision.Period = new Period { Start = "2020-01-01", End = "2021-01-01" };
        await RecordConsentAsync(consent);
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_deny_for_research_does_not_touch_direct_care()
    {
        var (patient, obs) = await GpRecordAsync();
        var consent = ConsentBuilder.Dissent(patient);
        consent.Provision.Purpose.Add(new Coding(KnownSystems.V3ActReason, "HRESCH"));
        await RecordConsentAsync(consent);
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var research = ClientFor(Hospital, "clinician", "user/*.rs", purpose: "HRESCH");
        Assert.That((await research.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Sensitive_class_is_withheld_unless_the_patient_permits_it_to_that_organisation_and_break_glass_does_not_open_it()
    {
        var (patient, obs) = await GpRecordAsync(new Coding(KnownSystems.V3ActCode, "PSY"));
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _gp.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "custodian");
        using var btg = ClientFor(Hospital, "clinician", "user/*.rs", purpose: "BTG");
        Assert.That((await btg.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}", configure: r => r.Headers.Add("X-Break-Glass-Reason", "test"))).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound), "break-glass never opens sensitive classes");

        await RecordConsentAsync(ConsentBuilder.PermitClass(patient, Hospital, "PSY"));
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _council.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "only the named organisation");
    }

    [Test]
    public async Task Local_sensitive_class_is_withheld_too()
    {
        var (_, obs) = await GpRecordAsync(new Coding(KnownSystems.SensitiveClass, "IVF"));
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_patients_search_looks_in_their_compartment_for_the_searched_type()
    {
        var (patient, typed) = await GpRecordAsync();
        var (_, untyped) = await GpRecordAsync();
        var (_, mistyped) = await GpRecordAsync();
        // Re-file the other two under the first patient: one untyped, as a replica of the release before
        // the column writes it, and one under another type, to show which index entries a search reads.
        using (var scope = Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
            foreach (var (id, type) in new[] { (untyped, ""), (mistyped, "Condition") })
            {
                var row = await db.Resources.Where(r => r.ResourceType == "Observation" && r.ResourceId == id && r.IsCurrent).Select(r => r.Id).SingleAsync();
                await db.Compartments.Where(c => c.ResourceRowId == row).ExecuteUpdateAsync(u => u.SetProperty(c => c.PatientId, patient).SetProperty(c => c.ResourceType, type));
            }
        }
        using var me = ClientFor(Hospital, "patient", "patient/*.rs", patient: patient);

        var found = (await (await me.SendAsync(HttpMethod.Get, "/fhir/Observation?_count=50")).ReadAsync<Bundle>())
            .Entry.Select(e => e.Resource).OfType<Observation>().Select(o => o.Id).ToList();
        var foundByCode = (await (await me.SendAsync(HttpMethod.Get, "/fhir/Observation?code=http://snomed.info/sct|997681000000108&_count=50")).ReadAsync<Bundle>())
            .Entry.Select(e => e.Resource).OfType<Observation>().Select(o => o.Id).ToList();

        Assert.That(found, Is.EquivalentTo(new[] { typed, untyped }), "the mistyped entry is not among the compartment's Observations");
        Assert.That(foundByCode, Is.EquivalentTo(new[] { typed, untyped }));
        Assert.That((await me.SendAsync(HttpMethod.Get, $"/fhir/Observation/{untyped}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await me.SendAsync(HttpMethod.Get, $"/fhir/Observation/{mistyped}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Nopat_items_never_reach_the_patient()
    {
        var (patient, obs) = await GpRecordAsync(new Coding(KnownSystems.V3ActCode, "NOPAT"));
        using var me = ClientFor(Hospital, "patient", "patient/*.rs", patient: patient);
        Assert.That((await me.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await me.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "clinicians still see it");
    }

    [Test]
    public async Task Withdrawal_restores_sharing_and_the_ledger_keeps_both_entries()
    {
        var (patient, obs) = await GpRecordAsync();
        var consent = await RecordConsentAsync(ConsentBuilder.Dissent(patient));
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Client.SendAsync(HttpMethod.Delete, $"/fhir/Consent/{consent}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        var actions = db.ConsentLedger.Where(e => e.ConsentId == consent).OrderBy(e => e.Sequence).Select(e => e.Action).ToList();
        Assert.That(actions, Is.EqualTo(new[] { "create", "withdraw" }));
    }

    [Test]
    public async Task A_patient_records_and_withdraws_their_own_dissent()
    {
        var (patient, obs) = await GpRecordAsync();
        using var me = ClientFor(Hospital, "patient", "patient/*.cruds", patient: patient);
        var created = await me.SendAsync(HttpMethod.Post, "/fhir/Consent", FhirHttp.JsonBody(ConsentBuilder.Dissent(patient)));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        Assert.That((await _council.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var someoneElse = await me.SendAsync(HttpMethod.Post, "/fhir/Consent", FhirHttp.JsonBody(ConsentBuilder.Dissent("someone-else")));
        Assert.That(someoneElse.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "only for themselves");
        var id = (await created.ReadAsync<Consent>()).Id;
        Assert.That((await me.SendAsync(HttpMethod.Delete, $"/fhir/Consent/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _council.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Invalid_consent_is_422_listing_every_problem()
    {
        var consent = ConsentBuilder.Dissent("x");
        consent.Scope = new CodeableConcept(KnownSystems.ConsentScope, "research");
        consent.Provision.Actor.Add(new Consent.provisionActorComponent { Role = new CodeableConcept(KnownSystems.V3ParticipationType, "IRCP"), Reference = new ResourceReference("Organization/no-ods-code") });
        consent.Provision.Period = new Period { Start = "2025-01-01", End = "2024-01-01" };
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Consent", FhirHttp.JsonBody(consent));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue, Has.Count.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task History_of_a_refused_caller_shows_no_protected_version()
    {
        var (patient, obs) = await GpRecordAsync(new Coding(KnownSystems.V3ActCode, "HIV"));
        var history = await (await _hospital.SendAsync(HttpMethod.Get, "/fhir/Observation/_history?_count=1000")).Content.ReadAsStringAsync();
        Assert.That(history, Does.Not.Contain(obs));
        var instance = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}/_history");
        Assert.That(await instance.Content.ReadAsStringAsync(), Does.Not.Contain("\"value\":7.8"));
        var vread = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}/_history/1");
        Assert.That(vread.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(patient, Is.Not.Empty);
    }

    [Test]
    public async Task Transaction_get_entries_are_consent_checked()
    {
        var (_, obs) = await GpRecordAsync(new Coding(KnownSystems.V3ActCode, "SDV"));
        var bundle = new Bundle { Type = Bundle.BundleType.Batch };
        bundle.Entry.Add(new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"Observation/{obs}" } });
        var response = await _hospital.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Contain("\"status\":\"404\""));
        Assert.That(body, Does.Not.Contain("\"value\":7.8"));
    }

    [Test]
    public async Task Verify_ledger_detects_a_change_made_behind_the_gateways_back()
    {
        var (patient, _) = await GpRecordAsync();
        await RecordConsentAsync(ConsentBuilder.Dissent(patient));
        var ok = await (await Client.SendAsync(HttpMethod.Get, "/fhir/$verify-ledger")).ReadAsync<Parameters>();
        Assert.That(((FhirBoolean)ok.GetSingleValue<FhirBoolean>("valid")!).Value, Is.True);
        var entries = ok.GetSingleValue<Integer>("entries")!.Value!.Value;
        Assert.That(entries, Is.GreaterThan(0));
        Assert.That(ok.GetSingleValue<FhirString>("head")!.Value, Has.Length.EqualTo(64));

        using (var scope = Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
            var target = db.ConsentLedger.OrderBy(e => e.Sequence).Select(e => e.Sequence).First();
            var sql = Provider == StorageProvider.PostgreSql
                ? "UPDATE consent_ledger SET \"CanonicalJson\" = replace(\"CanonicalJson\", 'deny', 'permit') WHERE \"Sequence\" = {0}"
                : "UPDATE consent_ledger SET CanonicalJson = replace(CanonicalJson, 'deny', 'permit') WHERE Sequence = {0}";
            db.Database.ExecuteSqlRaw(sql, target);
            var bad = await (await Client.SendAsync(HttpMethod.Get, "/fhir/$verify-ledger")).ReadAsync<Parameters>();
            Assert.That(bad.GetSingleValue<FhirBoolean>("valid")!.Value, Is.False);
            Assert.That(bad.GetSingleValue<Integer>("firstInvalidSequence")!.Value, Is.EqualTo((int)target));
            // Put it back so later tests in this fixture see a valid chain.
            db.Database.ExecuteSqlRaw(sql.Replace("'deny', 'permit'", "'permit', 'deny'"), target);
        }
    }

    [Test]
    public async Task Effective_rules_can_be_rebuilt_from_the_ledger_alone()
    {
        var (patient, _) = await GpRecordAsync();
        await RecordConsentAsync(ConsentBuilder.Dissent(patient));
        using var scope = Factory.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<Interop.Storage.Consent.ConsentLedger>();
        Assert.That(await ledger.RulesMatchLedgerAsync(CancellationToken.None), Is.True);
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        db.ConsentRules.RemoveRange(db.ConsentRules);
        db.SaveChanges();
        Assert.That(await ledger.RulesMatchLedgerAsync(CancellationToken.None), Is.False);
        await ledger.RebuildRulesAsync(CancellationToken.None);
        Assert.That(await ledger.RulesMatchLedgerAsync(CancellationToken.None), Is.True);
    }

    [Test]
    public async Task Every_access_is_audited_including_refusals()
    {
        var (patient, obs) = await GpRecordAsync();
        await RecordConsentAsync(ConsentBuilder.Dissent(patient));
        await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Observation/{obs}");
        var audit = await AuditEventsAsync();
        var about = audit.Where(a => a.OutcomeDesc?.Contains("NO_PATIENT_CONSENT") == true && a.Entity.Any(e => e.What?.Reference == $"Patient/{patient}")).ToList();
        var refusal = about.Where(a => !IsPatientView(a)).ToList();
        Assert.That(refusal, Has.Count.EqualTo(1));
        Assert.That(about.Count(IsPatientView), Is.EqualTo(1), "the patient's own access log records the refusal too");
        Assert.That(refusal[0].Outcome, Is.EqualTo(AuditEvent.AuditEventOutcome.N4));
        var who = refusal[0].Agent.First(a => a.Requestor == true);
        Assert.That(who.PurposeOfUse.SelectMany(p => p.Coding).Select(c => c.Code), Does.Contain("TREAT"));
        Assert.That(who.Policy.Single(), Does.StartWith("urn:ietf:params:oauth:jti:"));
        Assert.That(refusal[0].Agent.Any(a => a.Who?.Identifier?.Value == Hospital), Is.True);
    }

    [Test]
    public async Task Audit_events_cannot_be_written_or_read_by_clinicians()
    {
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, "/fhir/AuditEvent/_history")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var officer = ClientFor(Hospital, "privacy-officer", "user/*.rs");
        Assert.That((await officer.SendAsync(HttpMethod.Get, "/fhir/AuditEvent/_history")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static bool IsPatientView(AuditEvent audit) => audit.Meta?.Tag.Any(t => t.System == KnownAudit.View) == true;

    private async Task<List<AuditEvent>> AuditEventsAsync()
    {
        var bundle = await (await Client.SendAsync(HttpMethod.Get, "/fhir/AuditEvent/_history?_count=1000")).ReadAsync<Bundle>();
        return bundle.Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();
    }
}
