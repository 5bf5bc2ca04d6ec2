using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Core.Summary;
using Interop.Core.Synthetic;
using NUnit.Framework;

namespace Interop.Tests.Summary;

/// <summary>
/// The summary reads its narrative from the stored JSON (<see cref="SummaryItemReader.FromJson"/>)
/// instead of parsing every resource; these tests hold that reading to the POCO one
/// (<see cref="SummaryItemReader.FromResource"/> over <see cref="FhirSerialization.ParseStored"/>, what the
/// summary did before), on generated records and on the edge cases the generator does not make.
/// </summary>
[TestFixture]
public sealed class SummaryItemReaderTests
{
    private const string Url = "https://example.org/fhir/X/1";

    private static SummaryItem FromStored(Resource resource)
    {
        var json = FhirSerialization.ToJson(resource);
        return SummaryItemReader.FromResource(FhirSerialization.ParseStored(json), Url);
    }

    private static SummaryItem FromJson(Resource resource) =>
        SummaryItemReader.FromJson(resource.TypeName, Url, FhirSerialization.ToJson(resource));

    [Test]
    public void The_patient_name_reads_the_same_from_json_as_from_the_parsed_patient()
    {
        var extensionOnlyGiven = new FhirString { Extension = [new Extension("http://example.org/why-absent", new Code("unknown"))] };
        var patients = new List<Patient>
        {
            new() { Name = [new HumanName { Family = "SMITH", Given = ["Jane", "Ann"] }, new HumanName { Family = "JONES" }] },
            new() { Name = [new HumanName { Family = "SMITH" }] },
            new() { Name = [new HumanName { Given = ["Jane"] }] },
            new() { Name = [new HumanName { Text = "Jane Smith" }] },
            new() { Name = [new HumanName { Family = "SMITH", GivenElement = [extensionOnlyGiven, new FhirString("Jane")] }] },
            new(),
        };
        patients.AddRange(new SyntheticDataGenerator(3).Patients(3).SelectMany(b => b.Entry).Select(e => e.Resource).OfType<Patient>());
        foreach (var patient in patients)
        {
            var json = FhirSerialization.ToJson(patient);
            Assert.That(SummaryItemReader.PatientNameFromJson(json), Is.EqualTo(SummaryComposer.NameOf((Patient)FhirSerialization.ParseStored(json))), json);
        }
    }

    [Test]
    public void Generated_records_read_the_same_from_json_as_from_the_parsed_resource()
    {
        var generator = new SyntheticDataGenerator(11, new SyntheticDataOptions { ResourcesPerPatient = 300 });
        var resources = generator.Patients(6).SelectMany(b => b.Entry).Select(e => e.Resource!)
            .Where(r => SummarySection.AllTypes.Contains(r.TypeName)).ToList();
        Assert.That(resources.Select(r => r.TypeName).Distinct().Count(), Is.GreaterThanOrEqualTo(7), "the generator covers most section types");
        var differences = resources.Select(r => (Poco: FromStored(r), Json: FromJson(r))).Where(p => p.Poco != p.Json)
            .Select(p => $"{p.Poco} <> {p.Json}").ToList();
        Assert.That(differences, Is.Empty);
    }

    private static IEnumerable<TestCaseData> EdgeCases()
    {
        var subject = new ResourceReference("Patient/p1");
        yield return Case("entered-in-error observation, quantity with trailing zeros",
            new Observation { Status = ObservationStatus.EnteredInError, Code = new CodeableConcept { Coding = [new Coding("http://loinc.org", "2339-0")] }, Value = new Quantity(5.10m, "mmol/L"), Subject = subject });
        yield return Case("quantity without value or unit",
            new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "Glucose" }, Value = new Quantity() });
        yield return Case("string value", new Observation { Code = new CodeableConcept(KnownSystems.Snomed, "1", "Smoking"), Value = new FhirString("never") });
        yield return Case("string value with only an extension",
            new Observation { Code = new CodeableConcept(KnownSystems.Snomed, "1", "Smoking"), Value = new FhirString { Extension = [new Extension("http://example.org/x", new FhirBoolean(true))] } });
        yield return Case("social-care observation (left out of Results)",
            new Observation { Category = [new CodeableConcept("http://example.org/cat", "social-care")], Code = new CodeableConcept { Text = "Outcome" }, Effective = new FhirDateTime("2025-01-02") });
        yield return Case("vital signs among other categories",
            new Observation { Category = [new CodeableConcept("http://example.org/cat", "other"), new CodeableConcept(KnownSystems.ObservationCategory, "vital-signs")], Code = new CodeableConcept { Text = "BP" }, Effective = new Period { Start = "2025-01-01" } });
        yield return Case("condition: display on the second coding, onset as a period falls back to recordedDate",
            new Condition { Code = new CodeableConcept { Coding = [new Coding("s", "c1"), new Coding("s", "c2", "Second")] }, Onset = new Period { Start = "2020" }, RecordedDate = "2021-03-04", ClinicalStatus = new CodeableConcept(KnownSystems.ConditionClinical, "resolved"), Subject = subject });
        yield return Case("condition without code, onset dateTime", new Condition { Onset = new FhirDateTime("2019-05-06T10:00:00+01:00"), Subject = subject });
        yield return Case("condition: first coding has no code", new Condition { Code = new CodeableConcept { Coding = [new Coding { System = "s" }, new Coding("s", "x")] }, Subject = subject });
        yield return Case("allergy", new AllergyIntolerance { Code = new CodeableConcept { Text = "Peanut <b>&</b>" }, RecordedDate = "2022", Patient = subject });
        yield return Case("medication statement by reference", new MedicationStatement { Status = MedicationStatement.MedicationStatusCodes.OnHold, Medication = new ResourceReference("Medication/m1"), Subject = subject });
        yield return Case("medication request, original order",
            new MedicationRequest { Status = MedicationRequest.MedicationrequestStatus.EnteredInError, Intent = MedicationRequest.MedicationRequestIntent.OriginalOrder, Medication = new CodeableConcept(KnownSystems.Dmd, "1", "Amoxicillin"), Subject = subject });
        yield return Case("medication request without intent", new MedicationRequest { Medication = new ResourceReference("Medication/m1"), Subject = subject });
        yield return Case("immunization", new Immunization { VaccineCode = new CodeableConcept(KnownSystems.Snomed, "1", "Flu"), Occurrence = new FhirString("last autumn"), Patient = subject });
        yield return Case("diagnostic report", new DiagnosticReport { Code = new CodeableConcept { Text = "FBC" }, Effective = new FhirDateTime("2024-02-02"), Status = DiagnosticReport.DiagnosticReportStatus.Final });
        yield return Case("procedure", new Procedure { Code = new CodeableConcept { Text = "Appendectomy" }, Performed = new FhirDateTime("2001"), Subject = subject });
        yield return Case("encounter with class code only and a type",
            new Encounter { Status = Encounter.EncounterStatus.InProgress, Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"), Type = [new CodeableConcept { Text = "Clinic" }], Period = new Period { Start = "2024-01-01T09:00:00Z" } });
        yield return Case("encounter with neither", new Encounter { Status = Encounter.EncounterStatus.Onleave });
        yield return Case("task", new Hl7.Fhir.Model.Task { Status = Hl7.Fhir.Model.Task.TaskStatus.OnHold, Intent = Hl7.Fhir.Model.Task.TaskIntent.Order, Code = new CodeableConcept { Text = "Care Act assessment" } });
        yield return Case("care plan without title", new CarePlan { Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan, Subject = subject });
        yield return Case("care plan with title", new CarePlan { Title = "Home care", Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan, Subject = subject });
        yield return Case("episode of care without type", new EpisodeOfCare { Status = EpisodeOfCare.EpisodeOfCareStatus.Active, Patient = subject });
        yield return Case("episode of care with type", new EpisodeOfCare { Status = EpisodeOfCare.EpisodeOfCareStatus.Active, Type = [new CodeableConcept { Coding = [new Coding("s", "reablement")] }], Patient = subject });
        yield return Case("questionnaire response", new QuestionnaireResponse { Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed });
    }

    private static TestCaseData Case(string name, Resource resource) => new TestCaseData(resource).SetName(name);

    [TestCaseSource(nameof(EdgeCases))]
    public void Edge_cases_read_the_same_from_json_as_from_the_parsed_resource(Resource resource)
    {
        Assert.That(FromJson(resource), Is.EqualTo(FromStored(resource)));
    }

    [Test]
    public void The_readers_give_what_the_narrative_shows()
    {
        var item = FromJson(new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.EnteredInError,
            Intent = MedicationRequest.MedicationRequestIntent.OriginalOrder,
            Medication = new CodeableConcept(KnownSystems.Dmd, "1", "Amoxicillin"),
        });
        Assert.That(item, Is.EqualTo(new SummaryItem("MedicationRequest", Url, "Amoxicillin (originalorder)", "enteredinerror", "", true)));
        var observation = FromJson(new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "Glucose" }, Value = new Quantity(5.10m, "mmol/L"), Effective = new FhirDateTime("2024-01-01") });
        Assert.That(observation.Description, Is.EqualTo($"Glucose: {5.10m} mmol/L"));
        Assert.That(observation.When, Is.EqualTo("2024-01-01"));
    }
}
