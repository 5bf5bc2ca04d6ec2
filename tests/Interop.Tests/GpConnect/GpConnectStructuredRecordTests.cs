using System.Net;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.GpConnect;

/// <summary>
/// <c>POST /fhir/Patient/$gpc.getstructuredrecord</c>: a GP records a patient's problems, allergies,
/// medication, observations, consultations and a referral; a hospital clinician asks for them the
/// GP Connect way and gets R4 Lists, with consent and scopes applied as on any read.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class GpConnectStructuredRecordTests(StorageProvider provider) : ApiFixture(provider)
{
    private const string Url = "/fhir/Patient/$gpc.getstructuredrecord";
    private const string Gp = "GPS01";
    private const string Hospital = "HSS01";
    private string _practice = null!;
    private HttpClient _gp = null!;
    private HttpClient _hospital = null!;

    [OneTimeSetUp]
    public async Task OrganisationsAsync()
    {
        _practice = await RegisterOrganizationAsync(Gp, "gp-practice");
        await RegisterOrganizationAsync(Hospital, "hospital-trust");
        _gp = ClientFor(Gp, "clinician", "user/*.cruds");
        _hospital = ClientFor(Hospital, "clinician", "user/*.rs");
    }

    /// <summary>What the GP recorded for one patient, by role in the test.</summary>
    private sealed record GpRecord(string Nhs, string Patient, string ActiveProblem, string PastProblem, string PsyProblem, string Diagnosis,
        string Allergy, string EndedAllergy, string Statement, string Authorisation, string Issue, string Lab, string Weight,
        string[] Encounters, string Referral);

    private async Task<string> GpWriteAsync(Resource resource)
    {
        var response = await _gp.SendAsync(HttpMethod.Post, $"/fhir/{resource.TypeName}", FhirHttp.JsonBody(resource));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Resource>()).Id!;
    }

    private async Task<GpRecord> GpRecordAsync(bool withPsyProblem = false)
    {
        var nhs = Builders.NextNhsNumber();
        var patient = Builders.Patient(nhsNumber: nhs);
        patient.GeneralPractitioner = [new ResourceReference($"Organization/{_practice}")];
        var id = await GpWriteAsync(patient);
        var subject = new ResourceReference($"Patient/{id}");

        Condition Problem(string code, string display, string status) => new()
        {
            Category = [new CodeableConcept(KnownSystems.ConditionCategory, "problem-list-item")],
            ClinicalStatus = new CodeableConcept(KnownSystems.ConditionClinical, status),
            Code = new CodeableConcept(KnownSystems.Snomed, code, display),
            Subject = subject,
        };
        AllergyIntolerance Allergy(string status) => new()
        {
            ClinicalStatus = new CodeableConcept(KnownSystems.AllergyClinical, status),
            Code = new CodeableConcept(KnownSystems.Snomed, "91936005", "Allergy to penicillin"),
            Patient = subject,
        };
        MedicationRequest Request(MedicationRequest.MedicationRequestIntent intent) => new()
        {
            Status = MedicationRequest.MedicationrequestStatus.Active,
            Intent = intent,
            Medication = new CodeableConcept(KnownSystems.Dmd, "323509004", "Amoxicillin 250mg capsules"),
            Subject = subject,
            AuthoredOn = "2025-02-01",
        };
        Encounter Consultation(string date) => new()
        {
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding(KnownSystems.V3ActEncounterCode, "AMB"),
            Subject = subject,
            Period = new Period { Start = date, End = date },
        };
        Observation Lab()
        {
            var o = Builders.Observation(id);
            o.Category = [new CodeableConcept(KnownSystems.ObservationCategory, "laboratory")];
            return o;
        }

        var psy = "";
        if (withPsyProblem)
        {
            var labelled = Problem("35489007", "Depressive disorder", "active");
            labelled.Meta = new Meta { Security = [new Coding(KnownSystems.V3ActCode, "PSY")] };
            psy = await GpWriteAsync(labelled);
        }
        var diagnosis = new Condition
        {
            Category = [new CodeableConcept(KnownSystems.ConditionCategory, "encounter-diagnosis")],
            Code = new CodeableConcept(KnownSystems.Snomed, "36971009", "Sinusitis"),
            Subject = subject,
        };
        return new GpRecord(nhs, id,
            ActiveProblem: await GpWriteAsync(Problem("44054006", "Diabetes mellitus type 2", "active")),
            PastProblem: await GpWriteAsync(Problem("195967001", "Asthma", "resolved")),
            PsyProblem: psy,
            Diagnosis: await GpWriteAsync(diagnosis),
            Allergy: await GpWriteAsync(Allergy("active")),
            EndedAllergy: await GpWriteAsync(Allergy("resolved")),
            Statement: await GpWriteAsync(new MedicationStatement
            {
                Status = MedicationStatement.MedicationStatusCodes.Active,
                Medication = new CodeableConcept(KnownSystems.Dmd, "323509004", "Amoxicillin 250mg capsules"),
                Subject = subject,
                Effective = new Period { Start = "2025-02-01" },
            }),
            Authorisation: await GpWriteAsync(Request(MedicationRequest.MedicationRequestIntent.Plan)),
            Issue: await GpWriteAsync(Request(MedicationRequest.MedicationRequestIntent.Order)),
            Lab: await GpWriteAsync(Lab()),
            Weight: await GpWriteAsync(Builders.Observation(id, "27113001", 72m)),
            Encounters: [await GpWriteAsync(Consultation("2024-01-10")), await GpWriteAsync(Consultation("2025-03-05")), await GpWriteAsync(Consultation("2024-11-20"))],
            Referral: await GpWriteAsync(new ServiceRequest
            {
                Status = RequestStatus.Active,
                Intent = RequestIntent.Order,
                Code = new CodeableConcept(KnownSystems.Snomed, "183519002", "Referral to cardiology service"),
                Subject = subject,
                AuthoredOn = "2025-01-15",
            }));
    }

    private static Parameters.ParameterComponent Include(string name, params (string Name, DataType Value)[] parts)
    {
        var parameter = new Parameters.ParameterComponent { Name = name };
        foreach (var (partName, value) in parts) parameter.Part.Add(new Parameters.ParameterComponent { Name = partName, Value = value });
        return parameter;
    }

    private static Parameters Body(string nhs, params Parameters.ParameterComponent[] includes)
    {
        var body = new Parameters();
        body.Parameter.Add(new Parameters.ParameterComponent { Name = "patientNHSNumber", Value = new Identifier(KnownSystems.NhsNumber, nhs) });
        body.Parameter.AddRange(includes);
        return body;
    }

    private static Parameters.ParameterComponent[] Everything(bool resolvedAllergies = false) =>
    [
        Include("includeAllergies", ("includeResolvedAllergies", new FhirBoolean(resolvedAllergies))),
        Include("includeMedication"),
        Include("includeProblems"),
        Include("includeConsultations"),
        Include("includeImmunisations"),
        Include("includeInvestigations"),
        Include("includeReferrals"),
        Include("includeUncategorisedData"),
    ];

    private static async Task<HttpResponseMessage> AskAsync(HttpClient client, Parameters body, Action<HttpRequestMessage>? configure = null) =>
        await client.SendAsync(HttpMethod.Post, Url, FhirHttp.JsonBody(body), configure);

    private static async Task<Bundle> RecordAsync(HttpClient client, Parameters body)
    {
        var response = await AskAsync(client, body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        return await response.ReadAsync<Bundle>();
    }

    private static List ListFor(Bundle bundle, string code) =>
        bundle.Entry.Select(e => e.Resource).OfType<List>().Single(l => l.Code.Coding.Any(c => c.System == KnownSystems.Snomed && c.Code == code));

    private static IEnumerable<string> Items(List list) => list.Entry.Select(e => e.Item.Reference);

    private static IEnumerable<string> ResourcesIn(Bundle bundle) => bundle.Entry.Select(e => $"{e.Resource.TypeName}/{e.Resource.Id}");

    [Test]
    public async Task A_hospital_clinician_gets_the_gp_record_as_gp_connect_lists()
    {
        var r = await GpRecordAsync();
        var bundle = await RecordAsync(_hospital, Body(r.Nhs, Everything()));

        Assert.That(bundle.Type, Is.EqualTo(Bundle.BundleType.Collection));
        Assert.That(bundle.Entry[0].Resource, Is.InstanceOf<Patient>());
        Assert.That(bundle.Entry[0].Resource.Id, Is.EqualTo(r.Patient));
        Assert.That(ResourcesIn(bundle), Does.Contain($"Organization/{_practice}"), "the registered practice");

        Assert.That(Items(ListFor(bundle, "717711000000103")), Is.EquivalentTo(new[] { $"Condition/{r.ActiveProblem}", $"Condition/{r.PastProblem}" }),
            "problems: problem-list items only, not encounter diagnoses");
        Assert.That(Items(ListFor(bundle, "886921000000105")), Is.EquivalentTo(new[] { $"AllergyIntolerance/{r.Allergy}" }));
        Assert.That(bundle.Entry.Select(e => e.Resource).OfType<List>().Any(l => l.Code.Coding.Any(c => c.Code == "1103671000000101")), Is.False,
            "no ended-allergies list unless asked");
        Assert.That(Items(ListFor(bundle, "933361000000108")), Is.EquivalentTo(new[]
            { $"MedicationStatement/{r.Statement}", $"MedicationRequest/{r.Authorisation}", $"MedicationRequest/{r.Issue}" }));
        Assert.That(Items(ListFor(bundle, "887191000000108")), Is.EquivalentTo(new[] { $"Observation/{r.Lab}" }));
        Assert.That(Items(ListFor(bundle, "826501000000100")), Is.EquivalentTo(new[] { $"Observation/{r.Weight}" }));
        Assert.That(Items(ListFor(bundle, "792931000000107")), Is.EquivalentTo(new[] { $"ServiceRequest/{r.Referral}" }));
        Assert.That(Items(ListFor(bundle, "1149501000000101")), Is.EqualTo(new[]
            { $"Encounter/{r.Encounters[1]}", $"Encounter/{r.Encounters[2]}", $"Encounter/{r.Encounters[0]}" }), "newest consultation first");

        var problems = ListFor(bundle, "717711000000103");
        Assert.That(problems.Subject.Reference, Is.EqualTo($"Patient/{r.Patient}"));
        Assert.That(problems.Extension, Is.Empty, "nothing withheld");
        foreach (var reference in bundle.Entry.Select(e => e.Resource).OfType<List>().SelectMany(Items))
            Assert.That(ResourcesIn(bundle), Does.Contain(reference), "every listed item is in the bundle");
        Assert.That(ResourcesIn(bundle), Does.Not.Contain($"Condition/{r.Diagnosis}"));

        var immunisations = ListFor(bundle, "1102181000000102");
        Assert.That(immunisations.Entry, Is.Empty);
        Assert.That(immunisations.EmptyReason.Coding[0].Code, Is.EqualTo("no-content-recorded"));
        Assert.That(immunisations.Note.Select(n => n.Text), Does.Contain("Information not available"));
    }

    [Test]
    public async Task Filters_narrow_problems_issues_medication_dates_and_consultations()
    {
        var r = await GpRecordAsync();
        var bundle = await RecordAsync(_hospital, Body(r.Nhs,
            Include("includeProblems", ("filterStatus", new Code("active"))),
            Include("includeMedication", ("includePrescriptionIssues", new FhirBoolean(false))),
            Include("includeConsultations", ("includeNumberOfMostRecent", new PositiveInt(2)))));
        Assert.That(Items(ListFor(bundle, "717711000000103")), Is.EqualTo(new[] { $"Condition/{r.ActiveProblem}" }));
        Assert.That(Items(ListFor(bundle, "933361000000108")), Does.Not.Contain($"MedicationRequest/{r.Issue}"));
        Assert.That(Items(ListFor(bundle, "933361000000108")), Does.Contain($"MedicationRequest/{r.Authorisation}"));
        Assert.That(Items(ListFor(bundle, "1149501000000101")), Is.EqualTo(new[] { $"Encounter/{r.Encounters[1]}", $"Encounter/{r.Encounters[2]}" }));

        var inactive = await RecordAsync(_hospital, Body(r.Nhs,
            Include("includeProblems", ("filterStatus", new Code("inactive"))),
            Include("includeConsultations", ("consultationSearchPeriod", new Period { Start = "2024-01-01", End = "2024-12-31" }))));
        Assert.That(Items(ListFor(inactive, "717711000000103")), Is.EqualTo(new[] { $"Condition/{r.PastProblem}" }));
        Assert.That(Items(ListFor(inactive, "1149501000000101")), Is.EquivalentTo(new[] { $"Encounter/{r.Encounters[0]}", $"Encounter/{r.Encounters[2]}" }));
    }

    [Test]
    public async Task Resolved_allergies_come_only_with_include_resolved_allergies()
    {
        var r = await GpRecordAsync();
        var without = await RecordAsync(_hospital, Body(r.Nhs, Include("includeAllergies", ("includeResolvedAllergies", new FhirBoolean(false)))));
        Assert.That(ResourcesIn(without), Does.Not.Contain($"AllergyIntolerance/{r.EndedAllergy}"));

        var with = await RecordAsync(_hospital, Body(r.Nhs, Include("includeAllergies", ("includeResolvedAllergies", new FhirBoolean(true)))));
        Assert.That(Items(ListFor(with, "1103671000000101")), Is.EqualTo(new[] { $"AllergyIntolerance/{r.EndedAllergy}" }));
        Assert.That(Items(ListFor(with, "886921000000105")), Is.EqualTo(new[] { $"AllergyIntolerance/{r.Allergy}" }));
    }

    [Test]
    public async Task Every_parameter_problem_is_reported_at_once_as_invalid_parameter()
    {
        var r = await GpRecordAsync();
        var tomorrow = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd");
        var body = Body(r.Nhs,
            Include("includeAllergies"),
            Include("includeMedication", ("medicationSearchFromDate", new Date(tomorrow))),
            Include("includeProblems", ("filterStatus", new Code("resolved"))),
            Include("includeConsultations",
                ("consultationSearchPeriod", new Period { Start = "2024-01-01", End = "2024-12-31" }),
                ("includeNumberOfMostRecent", new PositiveInt(3)),
                ("filterStatus", new Code("active"))),
            Include("includeInvestigations", ("investigationSearchPeriod", new Period { Start = "2024-06-01", End = "2024-01-01" })),
            Include("includeReferrals", ("referralSearchPeriod", new Period { Start = "2024-01-01T10:00:00Z" })),
            Include("includeEverything"));
        var response = await AskAsync(_hospital, body);
        Assert.That(response.StatusCode, Is.EqualTo((HttpStatusCode)422), await response.Content.ReadAsStringAsync());
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.DetailCodes(), Has.All.EqualTo("INVALID_PARAMETER"));
        var diagnostics = outcome.Issue.Select(i => i.Diagnostics).ToList();
        foreach (var named in new[] { "includeResolvedAllergies", "medicationSearchFromDate", "'includeProblems.filterStatus'", "mutually exclusive",
                     "'filterStatus' is not permitted in 'includeConsultations'", "investigationSearchPeriod", "referralSearchPeriod", "includeEverything" })
            Assert.That(diagnostics.Any(d => d!.Contains(named)), Is.True, $"names {named}: {string.Join(" | ", diagnostics)}");
        Assert.That(outcome.Issue, Has.Count.EqualTo(8));
    }

    [Test]
    public async Task A_partial_date_and_a_repeated_parameter_are_invalid_too()
    {
        var r = await GpRecordAsync();
        var body = Body(r.Nhs, Include("includeMedication", ("medicationSearchFromDate", new Date("2024-01"))), Include("includeProblems"), Include("includeProblems"));
        var response = await AskAsync(_hospital, body);
        Assert.That(response.StatusCode, Is.EqualTo((HttpStatusCode)422));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue.Select(i => i.Diagnostics), Has.Some.Contains("whole date").And.Some.Contains("'includeProblems' is given 2 times"));
    }

    [Test]
    public async Task A_missing_or_foreign_identifier_is_an_invalid_parameter()
    {
        var body = new Parameters();
        body.Parameter.Add(new Parameters.ParameterComponent { Name = "patientNHSNumber", Value = new Identifier("https://example.org/mrn", "123") });
        var response = await AskAsync(_hospital, body);
        Assert.That(response.StatusCode, Is.EqualTo((HttpStatusCode)422));
        Assert.That((await response.ReadAsync<OperationOutcome>()).DetailCodes(), Is.EqualTo(new[] { "INVALID_PARAMETER" }));
    }

    [Test]
    public async Task A_bad_nhs_number_is_400_invalid_nhs_number()
    {
        var response = await AskAsync(_hospital, Body("9991000001", Include("includeProblems")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadAsync<OperationOutcome>()).DetailCodes(), Is.EqualTo(new[] { "INVALID_NHS_NUMBER" }));
    }

    [Test]
    public async Task An_unknown_patient_is_404_patient_not_found()
    {
        var response = await AskAsync(_hospital, Body(Builders.NextNhsNumber(), Include("includeProblems")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await response.ReadAsync<OperationOutcome>()).DetailCodes(), Is.EqualTo(new[] { "PATIENT_NOT_FOUND" }));
    }

    [Test]
    public async Task Dissent_is_403_no_patient_consent_and_break_glass_opens_it()
    {
        var r = await GpRecordAsync();
        var consent = await Client.SendAsync(HttpMethod.Post, "/fhir/Consent", FhirHttp.JsonBody(ConsentBuilder.Dissent(r.Patient)));
        Assert.That(consent.StatusCode, Is.EqualTo(HttpStatusCode.Created), await consent.Content.ReadAsStringAsync());

        var refused = await AskAsync(_hospital, Body(r.Nhs, Everything()));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await refused.ReadAsync<OperationOutcome>()).DetailCodes(), Is.EqualTo(new[] { "NO_PATIENT_CONSENT" }));

        using var btg = ClientFor(Hospital, "clinician", "user/*.rs", purpose: "BTG");
        var response = await AskAsync(btg, Body(r.Nhs, Everything()), m => m.Headers.Add("X-Break-Glass-Reason", "Unconscious in ED"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(ResourcesIn(await response.ReadAsync<Bundle>()), Does.Contain($"Condition/{r.ActiveProblem}"));
    }

    [Test]
    public async Task A_sensitive_problem_is_withheld_with_the_confidential_items_warning_and_never_named()
    {
        var r = await GpRecordAsync(withPsyProblem: true);
        var response = await AskAsync(_hospital, Body(r.Nhs, Everything()));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(text, Does.Not.Contain(r.PsyProblem));
        Assert.That(text, Does.Not.Contain("Depressive"));

        var bundle = await response.ReadAsync<Bundle>();
        var problems = ListFor(bundle, "717711000000103");
        Assert.That(Items(problems), Does.Contain($"Condition/{r.ActiveProblem}"));
        var warning = problems.Extension.Single(e => e.Url == "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ListWarningCode");
        Assert.That((warning.Value as Code)?.Value, Is.EqualTo("confidential-items"));
        Assert.That(problems.Note.Select(n => n.Text), Does.Contain("Items excluded due to confidentiality and/or patient preferences."));
        Assert.That(ListFor(bundle, "886921000000105").Extension, Is.Empty, "other areas are not flagged");
        Assert.That(bundle.Entry.Select(e => e.Resource).OfType<OperationOutcome>().Single().Issue.Select(i => i.Diagnostics),
            Has.Some.Contains("confidentiality"));

        var custodian = await RecordAsync(_gp, Body(r.Nhs, Include("includeProblems")));
        Assert.That(Items(ListFor(custodian, "717711000000103")), Does.Contain($"Condition/{r.PsyProblem}"), "the recording practice sees its own");
        Assert.That(ListFor(custodian, "717711000000103").Extension, Is.Empty);
    }

    [Test]
    public async Task Types_the_scopes_do_not_allow_are_left_out_with_a_warning()
    {
        var r = await GpRecordAsync();
        using var narrow = ClientFor(Hospital, "clinician", "user/Patient.r user/Condition.r");
        var bundle = await RecordAsync(narrow, Body(r.Nhs, Include("includeProblems"), Include("includeAllergies", ("includeResolvedAllergies", new FhirBoolean(false)))));
        Assert.That(Items(ListFor(bundle, "717711000000103")), Does.Contain($"Condition/{r.ActiveProblem}"));
        var allergies = ListFor(bundle, "886921000000105");
        Assert.That(allergies.Entry, Is.Empty);
        Assert.That(allergies.EmptyReason.Coding[0].Code, Is.EqualTo("withheld"));
        Assert.That(ResourcesIn(bundle), Does.Not.Contain($"AllergyIntolerance/{r.Allergy}"));
        Assert.That(ResourcesIn(bundle), Does.Not.Contain($"Organization/{_practice}"), "Organization is outside the scopes too");
        var warnings = bundle.Entry.Select(e => e.Resource).OfType<OperationOutcome>().Single();
        Assert.That(warnings.DetailCodes(), Has.All.EqualTo("INSUFFICIENT_SCOPE"));
        Assert.That(warnings.Issue.Select(i => i.Diagnostics), Has.Some.Contains("AllergyIntolerance"));
    }

    [Test]
    public async Task Without_patient_read_scope_the_operation_is_refused()
    {
        var r = await GpRecordAsync();
        using var narrow = ClientFor(Hospital, "clinician", "user/Condition.r");
        var response = await AskAsync(narrow, Body(r.Nhs, Include("includeProblems")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await response.ReadAsync<OperationOutcome>()).DetailCodes(), Is.EqualTo(new[] { "INSUFFICIENT_SCOPE" }));
    }

    [Test]
    public async Task The_audit_entry_names_the_released_resources()
    {
        var r = await GpRecordAsync();
        await RecordAsync(_hospital, Body(r.Nhs, Include("includeProblems")));
        var history = await (await Client.SendAsync(HttpMethod.Get, "/fhir/AuditEvent/_history?_count=1000")).ReadAsync<Bundle>();
        var audits = history.Entry.Select(e => e.Resource).OfType<AuditEvent>()
            .Where(a => a.Action == AuditEvent.AuditEventAction.E && a.Entity.Any(e => e.What?.Reference == $"Condition/{r.ActiveProblem}"))
            .Where(a => a.Meta?.Tag.Any(t => t.System == Interop.Api.Audit.KnownAudit.View) != true) // the full event, not the patient's view
            .ToList();
        Assert.That(audits, Has.Count.EqualTo(1));
        Assert.That(audits[0].Entity.Select(e => e.What?.Reference), Does.Contain($"Patient/{r.Patient}"));
    }
}
