using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Core.Search;
using NUnit.Framework;

namespace Interop.Tests.Search;

[TestFixture]
public class SearchIndexerTests
{
    private static readonly SearchParameterRegistry Registry = new();
    private static readonly SearchIndexer Indexer = new(Registry);

    private static T[] Entries<T>(Resource resource, string param) where T : SearchIndexEntry =>
        Indexer.Extract(resource).OfType<T>().Where(e => e.ParamName == param).ToArray();

    private static Patient SamplePatient() => new()
    {
        Id = "p1",
        Meta = new Meta { LastUpdated = new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), Tag = [new Coding("http://example.org/tags", "demo")] },
        Identifier =
        [
            new Identifier("https://fhir.nhs.uk/Id/nhs-number", "9434765919"),
            new Identifier("http://hospital.example/mrn", "MRN-1")
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR"),
            },
        ],
        Name = [new HumanName { Family = "Mejía", Given = ["José", "María"], Prefix = ["Mr"] }],
        Address = [new Address { Line = ["1 High   Street"], City = "Leeds", PostalCode = "LS1 4AP", Country = "UK" }],
        Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "0113 000 0000")],
        BirthDate = "1970-03",
        Gender = AdministrativeGender.Female,
        Active = true,
        GeneralPractitioner = [new ResourceReference("Organization/gp1")],
    };

    [Test]
    public void Patient_name_expands_to_normalised_parts()
    {
        var names = Entries<StringIndexEntry>(SamplePatient(), "name");
        Assert.That(names.Select(n => n.Normalized), Is.EquivalentTo(new[] { "mejia", "jose", "maria", "mr" }));
        Assert.That(names.Select(n => n.Exact), Does.Contain("Mejía"));
        Assert.That(Entries<StringIndexEntry>(SamplePatient(), "family").Single().Normalized, Is.EqualTo("mejia"));
    }

    [Test]
    public void Patient_address_expands_to_parts_with_whitespace_collapsed()
    {
        var address = Entries<StringIndexEntry>(SamplePatient(), "address").Select(a => a.Normalized).ToArray();
        Assert.That(address, Is.EquivalentTo(new[] { "1 high street", "leeds", "ls1 4ap", "uk" }));
        Assert.That(Entries<StringIndexEntry>(SamplePatient(), "address-postalcode").Single().Exact, Is.EqualTo("LS1 4AP"));
    }

    [Test]
    public void Patient_identifier_keeps_system_value_and_type()
    {
        var identifiers = Entries<TokenIndexEntry>(SamplePatient(), "identifier");
        Assert.That(identifiers, Has.Length.EqualTo(2));
        Assert.That(identifiers, Has.Some.EqualTo(new TokenIndexEntry("identifier", "https://fhir.nhs.uk/Id/nhs-number", "9434765919", null)));
        Assert.That(identifiers, Has.Some.EqualTo(new TokenIndexEntry("identifier", "http://hospital.example/mrn", "MRN-1", null,
            "http://terminology.hl7.org/CodeSystem/v2-0203", "MR")));
    }

    [Test]
    public void Patient_tokens_from_code_boolean_contact_point_and_id()
    {
        var patient = SamplePatient();
        Assert.That(Entries<TokenIndexEntry>(patient, "gender").Single().Code, Is.EqualTo("female"));
        Assert.That(Entries<TokenIndexEntry>(patient, "active").Single().Code, Is.EqualTo("true"));
        Assert.That(Entries<TokenIndexEntry>(patient, "phone").Single(), Is.EqualTo(new TokenIndexEntry("phone", "phone", "0113 000 0000", null)));
        Assert.That(Entries<TokenIndexEntry>(patient, "_id").Single().Code, Is.EqualTo("p1"));
        Assert.That(Entries<TokenIndexEntry>(patient, "_tag").Single(), Is.EqualTo(new TokenIndexEntry("_tag", "http://example.org/tags", "demo", null)));
    }

    [Test]
    public void Patient_birthdate_partial_month_covers_the_whole_month()
    {
        var birth = Entries<DateIndexEntry>(SamplePatient(), "birthdate").Single();
        Assert.That(birth.Start, Is.EqualTo(new DateTimeOffset(1970, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(birth.End, Is.EqualTo(new DateTimeOffset(1970, 4, 1, 0, 0, 0, TimeSpan.Zero)));
        var updated = Entries<DateIndexEntry>(SamplePatient(), "_lastUpdated").Single();
        Assert.That(updated.Start, Is.EqualTo(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void Patient_general_practitioner_reference()
    {
        Assert.That(Entries<ReferenceIndexEntry>(SamplePatient(), "general-practitioner").Single(),
            Is.EqualTo(new ReferenceIndexEntry("general-practitioner", "Organization", "gp1", null, null, null)));
    }

    private static Observation BloodPressure() => new()
    {
        Id = "bp1",
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "85354-9", "Blood pressure panel", "BP"),
        Subject = new ResourceReference("Patient/p1"),
        Performer = [new ResourceReference("Practitioner/dr1"), new ResourceReference("Patient/p1/_history/3")],
        Effective = new FhirDateTime("2021-06-15T09:30:00+01:00"),
        Component =
        [
            new Observation.ComponentComponent
            {
                Code = new CodeableConcept("http://loinc.org", "8480-6"),
                Value = new Quantity(120, "mm[Hg]") { Unit = "mmHg" },
            },
            new Observation.ComponentComponent
            {
                Code = new CodeableConcept("http://loinc.org", "8462-4"),
                Value = new Quantity(80.5m, "mm[Hg]") { Unit = "mmHg" },
            },
        ],
    };

    [Test]
    public void Observation_code_yields_one_token_per_coding_plus_text()
    {
        var codes = Entries<TokenIndexEntry>(BloodPressure(), "code");
        Assert.That(codes, Is.EquivalentTo(new[]
        {
            new TokenIndexEntry("code", "http://loinc.org", "85354-9", "Blood pressure panel"),
            new TokenIndexEntry("code", null, null, "BP"),
        }));
    }

    [Test]
    public void Observation_subject_patient_and_date()
    {
        var observation = BloodPressure();
        Assert.That(Entries<ReferenceIndexEntry>(observation, "subject").Single().TargetId, Is.EqualTo("p1"));
        // patient = subject.where(resolve() is Patient)
        Assert.That(Entries<ReferenceIndexEntry>(observation, "patient").Single().TargetType, Is.EqualTo("Patient"));
        var date = Entries<DateIndexEntry>(observation, "date").Single();
        Assert.That(date.Start, Is.EqualTo(new DateTimeOffset(2021, 6, 15, 8, 30, 0, TimeSpan.Zero)));
        Assert.That(date.End - date.Start, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void Observation_patient_is_not_indexed_when_subject_is_a_group()
    {
        var observation = BloodPressure();
        observation.Subject = new ResourceReference("Group/g1");
        Assert.That(Entries<ReferenceIndexEntry>(observation, "patient"), Is.Empty);
        Assert.That(Entries<ReferenceIndexEntry>(observation, "subject").Single().TargetType, Is.EqualTo("Group"));
    }

    [Test]
    public void Observation_value_quantity_with_precision_range()
    {
        var observation = BloodPressure();
        observation.Value = new Quantity(100.0m, "mg/dL", "http://unitsofmeasure.org") { Unit = "mg/dL" };
        var quantity = Entries<QuantityIndexEntry>(observation, "value-quantity").Single();
        Assert.That(quantity, Is.EqualTo(new QuantityIndexEntry("value-quantity", "http://unitsofmeasure.org", "mg/dL", "mg/dL", 100.0m, 99.95m, 100.05m)));
    }

    [Test]
    public void Observation_component_code_value_quantity_composite_pairs_values_from_the_same_component()
    {
        var composites = Entries<CompositeIndexEntry>(BloodPressure(), "component-code-value-quantity");
        Assert.That(composites, Has.Length.EqualTo(2));
        var systolic = composites.Single(c => ((TokenIndexEntry)c.Components[0]).Code == "8480-6");
        Assert.That(systolic.Components[0], Is.EqualTo(new TokenIndexEntry("component-code", "http://loinc.org", "8480-6", null)));
        Assert.That(((QuantityIndexEntry)systolic.Components[1]).Value, Is.EqualTo(120m));
        var diastolic = composites.Single(c => ((TokenIndexEntry)c.Components[0]).Code == "8462-4");
        Assert.That(((QuantityIndexEntry)diastolic.Components[1]).Low, Is.EqualTo(80.45m));
    }

    [Test]
    public void Encounter_period_with_open_end()
    {
        var encounter = new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
            Subject = new ResourceReference("Patient/p1"),
            Period = new Period { Start = "2023-01-10T08:00:00Z" },
        };
        var date = Entries<DateIndexEntry>(encounter, "date").Single();
        Assert.That(date.Start, Is.EqualTo(new DateTimeOffset(2023, 1, 10, 8, 0, 0, TimeSpan.Zero)));
        Assert.That(date.End, Is.EqualTo(DateTimeOffset.MaxValue));
        Assert.That(Entries<TokenIndexEntry>(encounter, "class").Single().Code, Is.EqualTo("IMP"));
    }

    [Test]
    public void MedicationRequest_medication_code_and_authored_on()
    {
        var request = new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.Active,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = new CodeableConcept("https://dmd.nhs.uk", "39720311000001101", "Paracetamol 500mg tablets"),
            Subject = new ResourceReference("Patient/p1"),
            AuthoredOn = "2022-02-03",
            Requester = new ResourceReference { Identifier = new Identifier("https://fhir.hl7.org.uk/Id/gmc-number", "G1234567") },
        };
        Assert.That(Entries<TokenIndexEntry>(request, "code").Single(e => e.Code is not null).Code, Is.EqualTo("39720311000001101"));
        Assert.That(Entries<TokenIndexEntry>(request, "status").Single().Code, Is.EqualTo("active"));
        var authored = Entries<DateIndexEntry>(request, "authoredon").Single();
        Assert.That(authored.End - authored.Start, Is.EqualTo(TimeSpan.FromDays(1)));
        Assert.That(Entries<ReferenceIndexEntry>(request, "requester").Single(),
            Is.EqualTo(new ReferenceIndexEntry("requester", null, null, null, "https://fhir.hl7.org.uk/Id/gmc-number", "G1234567")));
        Assert.That(Entries<ReferenceIndexEntry>(request, "patient").Single().TargetId, Is.EqualTo("p1"));
    }

    [Test]
    public void Condition_onset_as_period_is_indexed_and_as_string_is_not_a_date()
    {
        var condition = new Condition
        {
            Subject = new ResourceReference("Patient/p1"),
            Code = new CodeableConcept("http://snomed.info/sct", "44054006"),
            Onset = new Period { Start = "2019", End = "2019-06-30" },
        };
        var onset = Entries<DateIndexEntry>(condition, "onset-date").Single();
        Assert.That(onset.Start, Is.EqualTo(new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(onset.End, Is.EqualTo(new DateTimeOffset(2019, 7, 1, 0, 0, 0, TimeSpan.Zero)));

        condition.Onset = new FhirString("In her twenties");
        Assert.That(Entries<DateIndexEntry>(condition, "onset-date"), Is.Empty);
        Assert.That(Entries<StringIndexEntry>(condition, "onset-info").Single().Normalized, Is.EqualTo("in her twenties"));
    }

    [Test]
    public void References_absolute_urn_contained_and_canonical()
    {
        var observation = BloodPressure();
        observation.Subject = new ResourceReference("urn:uuid:6c1a8b52-0000-4000-8000-000000000001");
        observation.Specimen = new ResourceReference("#sp1");
        observation.Device = new ResourceReference("https://other.example/fhir/Device/d9");
        Assert.That(Entries<ReferenceIndexEntry>(observation, "subject").Single().Url, Is.EqualTo("urn:uuid:6c1a8b52-0000-4000-8000-000000000001"));
        Assert.That(Entries<ReferenceIndexEntry>(observation, "specimen"), Is.Empty);
        Assert.That(Entries<ReferenceIndexEntry>(observation, "device").Single().Url, Is.EqualTo("https://other.example/fhir/Device/d9"));

        var response = new QuestionnaireResponse
        {
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Questionnaire = "https://interop.example/Questionnaire/care-needs|2.1",
        };
        Assert.That(Entries<ReferenceIndexEntry>(response, "questionnaire").Single(),
            Is.EqualTo(new ReferenceIndexEntry("questionnaire", null, null, "https://interop.example/Questionnaire/care-needs", null, null, "2.1")));
    }

    [Test]
    public void Uri_and_number_parameters()
    {
        var valueSet = new ValueSet { Url = "https://interop.example/ValueSet/x", Status = PublicationStatus.Active };
        Assert.That(Entries<UriIndexEntry>(valueSet, "url").Single().Uri, Is.EqualTo("https://interop.example/ValueSet/x"));

        var risk = new RiskAssessment
        {
            Status = ObservationStatus.Final,
            Subject = new ResourceReference("Patient/p1"),
            Prediction = [new RiskAssessment.PredictionComponent { Probability = new FhirDecimal(0.25m) }],
        };
        Assert.That(Entries<NumberIndexEntry>(risk, "probability").Single(),
            Is.EqualTo(new NumberIndexEntry("probability", 0.25m, 0.245m, 0.255m)));
    }

    [Test]
    public void Every_R4_search_parameter_expression_compiles()
    {
        var failures = new List<string>();
        foreach (var sp in ModelInfo.SearchParameters)
        {
            if (sp.Expression is not null && SearchParameterRegistry.TryCompile(sp.Expression) is { } error)
                failures.Add($"{sp.Resource}.{sp.Code}: {error}");
            foreach (var component in sp.Component ?? [])
                if (SearchParameterRegistry.TryCompile(component.Expression) is { } componentError)
                    failures.Add($"{sp.Resource}.{sp.Code} component: {componentError}");
        }

        Assert.That(failures, Is.Empty);
        Assert.That(ModelInfo.SearchParameters, Has.Count.EqualTo(1698));
    }

    [Test]
    public void Every_resource_type_plan_builds()
    {
        var problems = new List<string>();
        foreach (var type in Registry.ResourceTypes)
        {
            if (ModelInfo.GetTypeForFhirType(type) is { } clr && Activator.CreateInstance(clr) is Resource empty)
                Indexer.Extract(empty, problems);
        }

        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void Extracting_every_resource_of_a_synthea_bundle_does_not_fail()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "synthea",
            "synthea-v2.4-Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json");
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(File.ReadAllText(path));
        var problems = new List<string>();
        var total = 0;
        foreach (var entry in bundle.Entry)
            total += Indexer.Extract(entry.Resource!, problems).Count;

        Assert.That(problems, Is.Empty);
        Assert.That(bundle.Entry, Has.Count.EqualTo(70));
        Assert.That(total, Is.GreaterThan(700));
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        Assert.That(Indexer.Extract(patient).OfType<StringIndexEntry>().Where(e => e.ParamName == "family").Select(e => e.Normalized),
            Has.Some.EqualTo("kreiger"));
    }
}
