using System.Net;
using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Core.Summary;
using Interop.Core.Synthetic;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Operations;

/// <summary>$summary and $everything: what a hospital asks for when a patient arrives.</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class PatientOperationTests(StorageProvider provider) : ApiFixture(provider)
{
    private const string Gp = "GPS01";
    private const string Hospital = "HSS01";
    private HttpClient _gp = null!;
    private HttpClient _hospital = null!;

    [OneTimeSetUp]
    public async Task OrganisationsAsync()
    {
        await RegisterOrganizationAsync(Gp, "gp-practice");
        await RegisterOrganizationAsync(Hospital, "hospital-trust");
        _gp = ClientFor(Gp, "clinician", "user/*.cruds");
        _hospital = ClientFor(Hospital, "clinician", "user/*.rs");
    }

    private async Task<string> PostAsync(Resource r)
    {
        var response = await _gp.SendAsync(HttpMethod.Post, $"/fhir/{r.TypeName}", FhirHttp.JsonBody(r));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Resource>()).Id!;
    }

    /// <summary>A GP record: two problems (one sensitive when asked), an allergy, a medication, a lab result.</summary>
    private async Task<(string Patient, string Nhs, Dictionary<string, string> Ids)> RecordAsync(bool sensitiveProblem = false)
    {
        var nhs = Builders.NextNhsNumber();
        var patient = await PostAsync(Builders.Patient("Summary", nhsNumber: nhs));
        var ids = new Dictionary<string, string>
        {
            ["asthma"] = await PostAsync(new Condition
            {
                Category = [new CodeableConcept(KnownSystems.ConditionCategory, "problem-list-item")],
                ClinicalStatus = new CodeableConcept(KnownSystems.ConditionClinical, "active"),
                Code = new CodeableConcept(KnownSystems.Snomed, "195967001", "Asthma"),
                Subject = new ResourceReference($"Patient/{patient}"),
            }),
            ["penicillin"] = await PostAsync(new AllergyIntolerance
            {
                Code = new CodeableConcept(KnownSystems.Snomed, "91936005", "Allergy to penicillin"),
                Patient = new ResourceReference($"Patient/{patient}"),
            }),
            ["salbutamol"] = await PostAsync(new MedicationStatement
            {
                Status = MedicationStatement.MedicationStatusCodes.Active,
                Medication = new CodeableConcept(KnownSystems.Dmd, "39113611000001102", "Salbutamol 100micrograms/dose inhaler"),
                Subject = new ResourceReference($"Patient/{patient}"),
            }),
            ["glucose"] = await PostAsync(Builders.Observation(patient)),
        };
        if (sensitiveProblem)
        {
            ids["depression"] = await PostAsync(new Condition
            {
                Meta = new Meta { Security = [new Coding(KnownSystems.V3ActCode, "PSY")] },
                Category = [new CodeableConcept(KnownSystems.ConditionCategory, "problem-list-item")],
                Code = new CodeableConcept(KnownSystems.Snomed, "35489007", "Depressive disorder"),
                Subject = new ResourceReference($"Patient/{patient}"),
            });
        }
        return (patient, nhs, ids);
    }

    [Test]
    public async Task Summary_is_an_ips_shaped_document_with_sections_referencing_their_entries()
    {
        var (patient, _, ids) = await RecordAsync();
        var response = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$summary");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var document = await response.ReadAsync<Bundle>();
        Assert.That(document.Type, Is.EqualTo(Bundle.BundleType.Document));
        Assert.That(document.Identifier, Is.Not.Null);
        var composition = (Composition)document.Entry[0].Resource;
        Assert.That(composition.Type.Coding[0].Code, Is.EqualTo("60591-5"));
        var codes = composition.Section.Select(s => s.Code.Coding[0].Code).ToList();
        Assert.That(codes, Is.SupersetOf(new[] { "11450-4", "48765-2", "10160-0", "30954-2" }));
        var fullUrls = document.Entry.Select(e => e.FullUrl).ToHashSet();
        foreach (var section in composition.Section)
        {
            Assert.That(section.Text.Div, Does.Contain("<table").Or.Contain("No information"), section.Title);
            foreach (var entry in section.Entry) Assert.That(fullUrls, Does.Contain(entry.Reference), $"{section.Title} references an entry");
        }
        var problems = composition.Section.Single(s => s.Code.Coding[0].Code == "11450-4");
        Assert.That(problems.Entry.Single().Reference, Does.EndWith($"Condition/{ids["asthma"]}"));
        Assert.That(problems.Text.Div, Does.Contain("Asthma"));
    }

    [Test]
    public async Task Summary_of_a_generated_record_narrates_each_entry_as_the_parsed_resource_reads()
    {
        // The summary reads its narratives from the stored JSON (SummaryItemReader.FromJson); composing the
        // same document from the returned entries parsed into POCOs must give the same sections.
        var generator = new SyntheticDataGenerator(5, new SyntheticDataOptions { ResourcesPerPatient = 120 });
        foreach (var bundle in new[] { generator.Organizations(), generator.Patient(0) })
        {
            var loaded = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(SyntheticDataGenerator.ToJson(bundle)));
            Assert.That(loaded.StatusCode, Is.EqualTo(HttpStatusCode.OK), await loaded.Content.ReadAsStringAsync());
        }
        var patient = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient?identifier={KnownSystems.NhsNumber}|{generator.NhsNumber(0)}")).ReadAsync<Bundle>();
        var patientId = patient.Entry.Single().Resource.Id;

        var response = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patientId}/$summary");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo((await response.Content.ReadAsByteArrayAsync()).Length), "the document is written as UTF-8 bytes");
        var document = await response.ReadAsync<Bundle>();
        var composition = (Composition)document.Entry[0].Resource;
        var entries = document.Entry.Skip(2).Where(e => e.Resource is not OperationOutcome).ToList();
        Assert.That(entries, Has.Count.GreaterThan(50), "a generated record fills several sections");
        var withheld = composition.Section.Where(s => s.Text.Div.Contains("were withheld")).Select(s => s.Title).ToHashSet();
        var expected = SummaryComposer.Compose(new SummaryComposer.Input(SummaryComposer.NameOf((Patient)document.Entry[1].Resource), document.Entry[1].FullUrl,
            entries.Select(e => SummaryItemReader.FromResource(e.Resource, e.FullUrl)).ToList(), withheld, DateTimeOffset.UtcNow), out var ordered);

        Assert.That(ordered.Select(i => i.FullUrl), Is.EqualTo(entries.Select(e => e.FullUrl)), "entries in section order");
        Assert.That(composition.Section.Select(s => FhirSerialization.ToJson(s)), Is.EqualTo(expected.Section.Select(s => FhirSerialization.ToJson(s))));
        Assert.That(composition.Title, Is.EqualTo(expected.Title));
    }

    [Test]
    public async Task Summary_by_nhs_number_and_its_errors()
    {
        var (patient, nhs, _) = await RecordAsync();
        var ok = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/$summary?identifier={KnownSystems.NhsNumber}|{nhs}");
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(((Composition)(await ok.ReadAsync<Bundle>()).Entry[0].Resource).Subject.Reference, Does.EndWith($"Patient/{patient}"));

        var bad = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/$summary?identifier={KnownSystems.NhsNumber}|9434765918");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await bad.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("INVALID_NHS_NUMBER"));

        var unknown = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/$summary?identifier={KnownSystems.NhsNumber}|9990000999".Replace("9990000999", Builders.NextNhsNumber()));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await unknown.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("PATIENT_NOT_FOUND"));
    }

    [Test]
    public async Task Empty_required_sections_carry_an_empty_reason()
    {
        var patient = await PostAsync(Builders.Patient("Empty"));
        var document = await (await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$summary")).ReadAsync<Bundle>();
        var composition = (Composition)document.Entry[0].Resource;
        Assert.That(composition.Section.Select(s => s.Code.Coding[0].Code), Is.EquivalentTo(new[] { "11450-4", "48765-2", "10160-0" }));
        Assert.That(composition.Section.All(s => s.EmptyReason is not null), Is.True);
    }

    [Test]
    public async Task A_withheld_sensitive_problem_is_absent_and_the_section_says_so()
    {
        var (patient, _, ids) = await RecordAsync(sensitiveProblem: true);
        var response = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$summary");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Not.Contain(ids["depression"]).And.Not.Contain("Depressive"));
        var document = await response.ReadAsync<Bundle>();
        var problems = ((Composition)document.Entry[0].Resource).Section.Single(s => s.Code.Coding[0].Code == "11450-4");
        Assert.That(problems.Text.Div, Does.Contain("withheld"));
        Assert.That(document.Entry.Select(e => e.Resource).OfType<OperationOutcome>().Single().Issue[0].Code, Is.EqualTo(OperationOutcome.IssueType.Suppressed));

        var custodian = await (await _gp.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$summary")).Content.ReadAsStringAsync();
        Assert.That(custodian, Does.Contain(ids["depression"]), "the GP that recorded it sees it");
    }

    [Test]
    public async Task Dissent_gives_403_and_break_glass_gives_the_summary_flagged_for_review()
    {
        var (patient, _, _) = await RecordAsync();
        var consent = await Client.SendAsync(HttpMethod.Post, "/fhir/Consent", FhirHttp.JsonBody(ConsentBuilder.Dissent(patient)));
        Assert.That(consent.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var refused = await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$summary");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await refused.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("NO_PATIENT_CONSENT"));

        using var btg = ClientFor(Hospital, "clinician", "user/*.rs", purpose: "BTG");
        var glass = await btg.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$summary", configure: r => r.Headers.Add("X-Break-Glass-Reason", "Collapsed in clinic"));
        Assert.That(glass.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var audit = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent?patient={patient}&_count=100")).ReadAsync<Bundle>();
        Assert.That(audit.Entry.Select(e => e.Resource).OfType<AuditEvent>().Any(a => a.Meta?.Tag.Any(t => t.Code == "pending") == true), Is.True);
    }

    [Test]
    public async Task Everything_pages_through_the_compartment_and_filters_by_type()
    {
        var (patient, _, ids) = await RecordAsync();
        var seen = new List<string>();
        var url = $"/fhir/Patient/{patient}/$everything?_count=2";
        while (url is not null)
        {
            var page = await (await _hospital.SendAsync(HttpMethod.Get, url)).ReadAsync<Bundle>();
            seen.AddRange(page.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id));
            url = page.Link.FirstOrDefault(l => l.Relation == "next")?.Url is { } next ? new Uri(next).PathAndQuery : null;
        }
        Assert.That(seen, Is.EquivalentTo(ids.Values.Append(patient)));

        var conditions = await (await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$everything?_type=Condition")).ReadAsync<Bundle>();
        Assert.That(conditions.Entry.Select(e => e.Resource.TypeName).Distinct(), Is.EqualTo(new[] { "Condition" }));
    }

    [Test]
    public async Task Everything_page_links_work_only_for_the_caller_they_were_issued_to()
    {
        var (patient, _, _) = await RecordAsync();
        var first = await (await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$everything?_count=1")).ReadAsync<Bundle>();
        var next = new Uri(first.Link.Single(l => l.Relation == "next").Url).PathAndQuery;
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, next)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var replayed = await _gp.SendAsync(HttpMethod.Get, next);
        Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "another organisation's caller cannot follow it");
        var tampered = next.Replace("_count=1", "_count=2", StringComparison.Ordinal);
        Assert.That((await _hospital.SendAsync(HttpMethod.Get, tampered)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "nor with another query");
    }

    [Test]
    public async Task Everything_leaves_out_withheld_items_and_flags_it()
    {
        var (patient, _, ids) = await RecordAsync(sensitiveProblem: true);
        var body = await (await _hospital.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$everything?_count=100")).Content.ReadAsStringAsync();
        Assert.That(body, Does.Not.Contain(ids["depression"]));
        Assert.That(body, Does.Contain("\"suppressed\""));
    }
}
