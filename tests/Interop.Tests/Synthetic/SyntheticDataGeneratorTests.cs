using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Core.Identity;
using Interop.Core.Known;
using Interop.Core.Synthetic;
using NUnit.Framework;

namespace Interop.Tests.Synthetic;

[TestFixture]
public class SyntheticDataGeneratorTests
{
    private const int Seed = 20260101;
    private const string OrganizationReferencePrefix = "Organization?identifier=" + KnownSystems.OdsOrganisationCode + "|";

    // Built once: 150 default-sized patients (~45,000 resources) serve every read-only check below.
    private List<Bundle> _patients = null!;
    private Bundle _organizations = null!;

    [OneTimeSetUp]
    public void GeneratePopulation()
    {
        var generator = new SyntheticDataGenerator(Seed);
        _organizations = generator.Organizations();
        _patients = generator.Patients(150).ToList();
    }

    private IEnumerable<Resource> AllResources() => _patients.SelectMany(b => b.Entry).Select(e => e.Resource!);

    private IEnumerable<T> All<T>() where T : Resource => AllResources().OfType<T>();

    [Test]
    public void SameSeedAndOptionsGiveByteIdenticalJson()
    {
        var options = new SyntheticDataOptions { ResourcesPerPatient = 120 };
        var first = new SyntheticDataGenerator(7, options);
        var second = new SyntheticDataGenerator(7, new SyntheticDataOptions { ResourcesPerPatient = 120 });

        Assert.That(SyntheticDataGenerator.ToJson(second.Organizations()), Is.EqualTo(SyntheticDataGenerator.ToJson(first.Organizations())));
        var a = first.Patients(20).Select(SyntheticDataGenerator.ToJson).ToList();
        var b = second.Patients(20).Select(SyntheticDataGenerator.ToJson).ToList();
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void DifferentSeedGivesDifferentPatients()
    {
        var a = new SyntheticDataGenerator(7).Patient(0);
        var b = new SyntheticDataGenerator(8).Patient(0);

        Assert.That(SyntheticDataGenerator.ToJson(b), Is.Not.EqualTo(SyntheticDataGenerator.ToJson(a)));
        Assert.That(Nhs(b), Is.Not.EqualTo(Nhs(a)));
    }

    [Test]
    public void APatientDependsOnlyOnSeedAndIndex()
    {
        var generator = new SyntheticDataGenerator(Seed);
        var streamed = generator.Patients(6).Select(SyntheticDataGenerator.ToJson).ToList();

        Assert.That(SyntheticDataGenerator.ToJson(generator.Patient(5)), Is.EqualTo(streamed[5]));
        Assert.That(SyntheticDataGenerator.ToJson(_patients[3]), Is.EqualTo(streamed[3]));
    }

    [Test]
    public void NhsNumbersAreValidUniqueAndInTheNeverIssuedRange()
    {
        var generator = new SyntheticDataGenerator(Seed);
        var numbers = Enumerable.Range(0, 5000).Select(generator.NhsNumber).ToList();

        Assert.That(numbers, Has.All.Matches<string>(n => NhsNumber.IsValid(n) && n.StartsWith("999", StringComparison.Ordinal) && n.Length == 10));
        Assert.That(numbers, Is.Unique);
        Assert.That(_patients.Select(Nhs), Is.EqualTo(numbers.Take(_patients.Count)));
    }

    [Test]
    public void PatientCarriesUkCoreIdentityAndRegisteredPractice()
    {
        var practiceCodes = SyntheticDataGenerator.KnownOrganizations.Where(o => o.Type == "gp-practice").Select(o => o.OdsCode).ToHashSet();
        foreach (var bundle in _patients)
        {
            var entry = bundle.Entry[0];
            var patient = (Patient)entry.Resource!;
            var identifier = patient.Identifier.Single(i => i.System == KnownSystems.NhsNumber);
            var status = (CodeableConcept)identifier.GetExtension(KnownSystems.UkCoreNhsNumberVerificationStatusExtension)!.Value!;

            Assert.That(status.Coding.Single().System, Is.EqualTo(KnownSystems.UkCoreNhsNumberVerificationStatusEngland));
            Assert.That(status.Coding.Single().Code, Is.EqualTo("01"));
            Assert.That(entry.Request!.Method, Is.EqualTo(Bundle.HTTPVerb.POST));
            Assert.That(entry.Request.IfNoneExist, Is.EqualTo($"identifier={KnownSystems.NhsNumber}|{identifier.Value}"));
            Assert.That(patient.Name.Single().Family, Is.Not.Empty);
            Assert.That(patient.Gender, Is.Not.Null);
            Assert.That(string.CompareOrdinal(patient.BirthDate, "2026-01-01"), Is.LessThan(0));
            Assert.That(patient.Address.Single().PostalCode, Does.Match(@"^L([1-9]|[12][0-9]|3[0-6]) [0-9][A-Z]{2}$"));
            var gp = patient.GeneralPractitioner.Single().Reference!;
            Assert.That(gp, Does.StartWith(OrganizationReferencePrefix));
            Assert.That(practiceCodes, Does.Contain(gp[OrganizationReferencePrefix.Length..]));
        }
    }

    [Test]
    public void EveryEntryIsAPostWithAUniqueUrnUuid()
    {
        foreach (var bundle in _patients)
        {
            Assert.That(bundle.Type, Is.EqualTo(Bundle.BundleType.Transaction));
            Assert.That(bundle.Entry.Select(e => e.FullUrl), Is.Unique);
            Assert.That(bundle.Entry.Select(e => e.FullUrl), Has.All.Match(@"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
            Assert.That(bundle.Entry.Select(e => e.Request!.Method), Has.All.EqualTo(Bundle.HTTPVerb.POST));
            Assert.That(bundle.Entry.Skip(1).Select(e => e.Request!.IfNoneExist), Has.All.Null);
            Assert.That(bundle.Entry.Select(e => e.Request!.Url), Is.EqualTo(bundle.Entry.Select(e => e.Resource!.TypeName)));
        }
        var allUrls = _patients.SelectMany(b => b.Entry).Select(e => e.FullUrl).ToList();
        Assert.That(allUrls, Is.Unique, "fullUrls must not repeat across patients either");
    }

    [Test]
    public void EveryReferenceResolvesInsideTheBundleOrToAKnownOrganization()
    {
        var organizationCodes = _organizations.Entry
            .Select(e => ((Organization)e.Resource!).Identifier.Single(i => i.System == KnownSystems.OdsOrganisationCode).Value)
            .ToHashSet();
        var problems = new List<string>();
        var checkedReferences = 0;
        foreach (var bundle in _patients)
        {
            var fullUrls = bundle.Entry.Select(e => e.FullUrl).ToHashSet();
            using var json = JsonDocument.Parse(SyntheticDataGenerator.ToJson(bundle));
            foreach (var reference in References(json.RootElement))
            {
                checkedReferences++;
                var resolves = fullUrls.Contains(reference)
                    || (reference.StartsWith(OrganizationReferencePrefix, StringComparison.Ordinal) && organizationCodes.Contains(reference[OrganizationReferencePrefix.Length..]));
                if (!resolves) problems.Add(reference);
            }
        }
        Assert.That(checkedReferences, Is.GreaterThan(10_000));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void MeanResourceCountIsNearTheTarget()
    {
        var mean = _patients.Average(b => b.Entry.Count);
        Assert.That(mean, Is.InRange(270, 330));

        var small = new SyntheticDataGenerator(Seed, new SyntheticDataOptions { ResourcesPerPatient = 60 }).Patients(150).Average(b => b.Entry.Count);
        Assert.That(small, Is.InRange(50, 75));
    }

    [Test]
    public void ResourcesRoundTripThroughFirelyJson()
    {
        var serializer = new FhirJsonSerializer();
        var deserializer = new FhirJsonDeserializer();
        foreach (var bundle in _patients.Take(10).Append(_organizations))
        {
            var json = serializer.SerializeToString(bundle);
            var parsed = deserializer.Deserialize<Bundle>(json);
            Assert.That(serializer.SerializeToString(parsed), Is.EqualTo(json));
            Assert.That(SyntheticDataGenerator.ToJson(parsed), Is.EqualTo(SyntheticDataGenerator.ToJson(bundle)));
        }
    }

    [Test]
    public void HistoryHasEveryExpectedKindOfResource()
    {
        var types = AllResources().Select(r => r.TypeName).ToHashSet();
        Assert.That(types, Is.SupersetOf(new[]
        {
            "Patient", "Encounter", "Condition", "AllergyIntolerance", "MedicationStatement", "MedicationRequest",
            "Observation", "Immunization", "Procedure", "DiagnosticReport",
        }));
        Assert.That(All<Encounter>().Select(e => e.Class.Code).ToHashSet(), Is.EquivalentTo(new[] { "AMB", "EMER", "IMP" }));
    }

    [Test]
    public void CodesUseTheExpectedSystems()
    {
        Assert.That(All<Condition>().Select(c => c.Code!.Coding.Single().System), Has.All.EqualTo(KnownSystems.Snomed));
        Assert.That(All<AllergyIntolerance>().Select(a => a.Code!.Coding.Single().System), Has.All.EqualTo(KnownSystems.Snomed));
        Assert.That(All<Procedure>().Select(p => p.Code!.Coding.Single().System), Has.All.EqualTo(KnownSystems.Snomed));
        Assert.That(All<Immunization>().Select(i => i.VaccineCode.Coding.Single().System), Has.All.EqualTo(KnownSystems.Snomed));
        Assert.That(All<MedicationRequest>().Select(m => ((CodeableConcept)m.Medication).Coding.Single().System), Has.All.EqualTo(KnownSystems.Dmd));
        Assert.That(All<MedicationStatement>().Select(m => ((CodeableConcept)m.Medication).Coding.Single().System), Has.All.EqualTo(KnownSystems.Dmd));
        Assert.That(All<Encounter>().Select(e => e.Class.System), Has.All.EqualTo(KnownSystems.V3ActCode));
        Assert.That(All<DiagnosticReport>().SelectMany(d => d.Code.Coding).Select(c => c.System), Has.All.EqualTo(KnownSystems.Loinc));

        var observations = All<Observation>().ToList();
        Assert.That(observations.Select(o => o.Code.Coding.Single().System), Has.All.EqualTo(KnownSystems.Loinc));
        Assert.That(observations.Select(o => o.Category.Single().Coding.Single().Code).ToHashSet(), Is.EquivalentTo(new[] { "vital-signs", "laboratory", "social-history" }));
        var quantities = observations.Select(o => o.Value).OfType<Quantity>()
            .Concat(observations.SelectMany(o => o.Component).Select(c => c.Value).OfType<Quantity>()).ToList();
        Assert.That(quantities, Is.Not.Empty);
        Assert.That(quantities.Select(q => q.System), Has.All.EqualTo(KnownSystems.Ucum));
        Assert.That(quantities.Select(q => q.Code), Has.All.Not.Null.And.Not.Empty);

        var bloodPressure = observations.First(o => o.Code.Coding[0].Code == "85354-9");
        Assert.That(bloodPressure.Value, Is.Null);
        Assert.That(bloodPressure.Component.Select(c => c.Code.Coding[0].Code), Is.EqualTo(new[] { "8480-6", "8462-4" }));
        Assert.That(observations.Where(o => o.Code.Coding[0].Code == "59261-8").Select(o => ((Quantity)o.Value!).Code), Has.All.EqualTo("mmol/mol").And.Not.Empty);
    }

    [Test]
    public void HospitalEncountersAreProvidedByTrustsAndGpOnesByPractices()
    {
        var typeByReference = SyntheticDataGenerator.KnownOrganizations.ToDictionary(o => OrganizationReferencePrefix + o.OdsCode, o => o.Type);
        foreach (var encounter in All<Encounter>())
        {
            var expected = encounter.Class.Code == "AMB" ? "gp-practice" : "hospital-trust";
            Assert.That(typeByReference[encounter.ServiceProvider!.Reference!], Is.EqualTo(expected), encounter.Class.Code);
        }
    }

    [Test]
    public void LabReportsGroupTheirObservations()
    {
        foreach (var bundle in _patients.Take(30))
        {
            var byUrl = bundle.Entry.ToDictionary(e => e.FullUrl!, e => e.Resource!);
            foreach (var report in bundle.Entry.Select(e => e.Resource).OfType<DiagnosticReport>())
            {
                Assert.That(report.Result, Is.Not.Empty);
                Assert.That(report.Result.Select(r => byUrl[r.Reference!]), Has.All.InstanceOf<Observation>());
            }
        }
    }

    [Test]
    public void SomeItemsCarrySensitiveSecurityLabels()
    {
        var labelled = AllResources().Where(r => r.Meta?.Security.Count > 0).ToList();
        var codes = labelled.SelectMany(r => r.Meta!.Security).Where(c => c.System == KnownSystems.V3ActCode).Select(c => c.Code).ToHashSet();

        Assert.That(codes, Is.SupersetOf(new[] { "PSY", "STD", "SEX", "ETH" }));
        Assert.That(labelled.Count, Is.LessThan(AllResources().Count() / 20), "sensitive items are a small fraction");
        var depressionLabels = All<Condition>().Where(c => c.Code!.Coding[0].Code == "35489007")
            .Select(c => c.Meta?.Security.Any(s => s.Code == "PSY") == true).ToList();
        Assert.That(depressionLabels, Does.Contain(true).And.Contain(false), "only some depression records are labelled PSY");
    }

    [Test]
    public void OrganizationsAreConditionalCreatesOfEveryKind()
    {
        Assert.That(_organizations.Type, Is.EqualTo(Bundle.BundleType.Transaction));
        var organizations = _organizations.Entry.Select(e => (Organization)e.Resource!).ToList();
        var codes = organizations.Select(o => o.Identifier.Single().Value).ToList();

        Assert.That(codes, Is.Unique);
        Assert.That(codes, Does.Contain("N82001").And.Contain("RBQ").And.Contain("REM").And.Contain("RQ6").And.Contain("E08000012"));
        Assert.That(organizations.Select(o => o.Type.Single().Coding.Single().System), Has.All.EqualTo(KnownSystems.OrganisationType));
        Assert.That(organizations.Select(o => o.Type.Single().Coding.Single().Code).ToHashSet(), Is.EquivalentTo(new[] { "gp-practice", "hospital-trust", "council" }));
        Assert.That(_organizations.Entry.Select(e => e.Request!.IfNoneExist),
            Is.EqualTo(codes.Select(c => $"identifier={KnownSystems.OdsOrganisationCode}|{c}")));
    }

    [Test]
    public void WriteToWritesOneFilePerPatientAndCountsThem()
    {
        var directory = Path.Combine(Path.GetTempPath(), "interop-synthetic-" + Guid.NewGuid().ToString("N"));
        try
        {
            var generator = new SyntheticDataGenerator(Seed, new SyntheticDataOptions { ResourcesPerPatient = 50 });
            var summary = generator.WriteTo(directory, 3);

            Assert.That(Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal),
                Is.EqualTo(new[] { "organizations.json", "patient-00000.json", "patient-00001.json", "patient-00002.json" }));
            Assert.That(File.ReadAllText(Path.Combine(directory, "patient-00002.json")), Is.EqualTo(SyntheticDataGenerator.ToJson(generator.Patient(2))));
            var expectedResources = generator.Patients(3).Sum(b => b.Entry.Count) + generator.Organizations().Entry.Count;
            Assert.That(summary.Patients, Is.EqualTo(3));
            Assert.That(summary.Organizations, Is.EqualTo(SyntheticDataGenerator.KnownOrganizations.Count));
            Assert.That(summary.Resources, Is.EqualTo(expectedResources));
            Assert.That(summary.ResourcesByType.Values.Sum(), Is.EqualTo(expectedResources));
            Assert.That(summary.ResourcesByType["Patient"], Is.EqualTo(3));
            Assert.That(summary.Bytes, Is.EqualTo(Directory.GetFiles(directory).Sum(f => new FileInfo(f).Length)));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void InvalidOptionsAreAllReported()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SyntheticDataGenerator(1, new SyntheticDataOptions { ResourcesPerPatient = 0, HistoryYears = 0 }));
        Assert.That(ex!.Message, Does.Contain("ResourcesPerPatient").And.Contain("HistoryYears"));
    }

    private static string Nhs(Bundle bundle) =>
        ((Patient)bundle.Entry[0].Resource!).Identifier.Single(i => i.System == KnownSystems.NhsNumber).Value!;

    private static IEnumerable<string> References(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "reference" && property.Value.ValueKind == JsonValueKind.String)
                        yield return property.Value.GetString()!;
                    else
                        foreach (var nested in References(property.Value)) yield return nested;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                foreach (var nested in References(item)) yield return nested;
                break;
        }
    }
}
