using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Search;
using Interop.Core.Synthetic;
using NUnit.Framework;

namespace Interop.Tests.Search;

/// <summary>
/// The plain-navigation walker (<see cref="SimplePathExpression"/>) must give exactly the entries the
/// FHIRPath engine gives: compared resource by resource over generated patient records, a Synthea
/// bundle and hand-made edge cases (contained, absolute and conditional references, choice types).
/// </summary>
[TestFixture]
public sealed class SimplePathExpressionTests
{
    private static readonly SearchParameterRegistry Registry = new();
    private static readonly SearchIndexer Walker = new(Registry);
    private static readonly SearchIndexer Engine = new(Registry, useSimplePaths: false);

    private static IEnumerable<Resource> GeneratedResources()
    {
        var generator = new SyntheticDataGenerator(7);
        foreach (var bundle in generator.Patients(25).Prepend(generator.Organizations()))
        {
            // As stored: urn:uuid references rewritten to Type/id, as a transaction does.
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in bundle.Entry)
            {
                entry.Resource.Id = Guid.NewGuid().ToString();
                map[entry.FullUrl] = $"{entry.Resource.TypeName}/{entry.Resource.Id}";
            }
            foreach (var entry in bundle.Entry)
            {
                foreach (var reference in ReferenceWalker.All(entry.Resource))
                    if (reference.Reference is { } target && map.TryGetValue(target, out var local)) reference.Reference = local;
                entry.Resource.Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow, VersionId = "1" };
                yield return entry.Resource;
            }
        }
    }

    private static IEnumerable<Resource> SyntheaResources()
    {
        var path = Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "synthea"), "*.json").Single();
        var bundle = (Bundle)FhirSerialization.ParseStored(File.ReadAllText(path));
        return bundle.Entry.Select(e => e.Resource).Where(r => r is not null);
    }

    private static IEnumerable<Resource> EdgeCases()
    {
        var contained = new Observation
        {
            Id = "o1",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Contained = [new Patient { Id = "p" }],
            Subject = new ResourceReference("#p"),
            Value = new CodeableConcept("http://snomed.info/sct", "260385009") { Text = "Negative" },
            Performer = [new ResourceReference("https://example.org/fhir/Practitioner/9"), new ResourceReference { Display = "no reference" }],
        };
        var absolute = new Observation
        {
            Id = "o2",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "85354-9"),
            Subject = new ResourceReference("https://example.org/fhir/Patient/42"),
            Effective = new Period { Start = "2024-01-01", End = "2024-01-02" },
            Component =
            [
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(120, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8462-4"), Value = new Quantity(80, "mm[Hg]") },
            ],
        };
        var duplicateCodes = new Observation
        {
            Id = "o3",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8480-6"),
            Subject = new ResourceReference("Group/g1"),
            Value = new FhirString("free text"),
            Component = [new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(120, "mm[Hg]") }],
        };
        var patient = new Patient
        {
            Id = "p9",
            Identifier = [new Identifier("urn:a", "1"), new Identifier("urn:a", "1")],
            Name = [new HumanName { Family = "Ng", Given = ["A"] }, new HumanName { Family = "Ng" }],
            Deceased = new FhirBoolean(false),
            Link = [new Patient.LinkComponent { Other = new ResourceReference("Patient/p8"), Type = Patient.LinkType.Seealso }],
        };
        return [contained, absolute, duplicateCodes, patient];
    }

    private static string Describe(SearchIndexEntry entry) => entry is CompositeIndexEntry composite
        ? $"{composite.ParamName}[{string.Join("; ", composite.Components.Select(Describe))}]"
        : entry.ToString();

    private static void AssertSameEntries(IEnumerable<Resource> resources)
    {
        var count = 0;
        var failures = new List<string>();
        foreach (var resource in resources)
        {
            count++;
            var engineProblems = new List<string>();
            var walkerProblems = new List<string>();
            var expected = Engine.Extract(resource, engineProblems).Select(Describe).ToList();
            var actual = Walker.Extract(resource, walkerProblems).Select(Describe).ToList();
            if (!expected.SequenceEqual(actual) || !engineProblems.SequenceEqual(walkerProblems))
                failures.Add($"{resource.TypeName}/{resource.Id}: engine [{string.Join(", ", expected.Except(actual))}] walker [{string.Join(", ", actual.Except(expected))}] {string.Join(", ", engineProblems)} | {string.Join(", ", walkerProblems)}");
        }
        Assert.That(count, Is.GreaterThan(0));
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Generated_records_index_the_same_as_with_the_fhirpath_engine() => AssertSameEntries(GeneratedResources());

    [Test]
    public void A_synthea_bundle_indexes_the_same_as_with_the_fhirpath_engine() => AssertSameEntries(SyntheaResources());

    [Test]
    public void Edge_cases_index_the_same_as_with_the_fhirpath_engine() => AssertSameEntries(EdgeCases());

    [TestCase("Observation.subject.where(resolve() is Patient)")]
    [TestCase("(Observation.value as Quantity) | (Observation.value as SampledData)")]
    [TestCase("(Observation.value as CodeableConcept).text")]
    [TestCase("Observation.effective")]
    [TestCase("Observation")]
    [TestCase("Observation | Observation.component")]
    public void Plain_navigation_is_walked(string expression) =>
        Assert.That(SimplePathExpression.TryParse(expression, "Observation", Registry.IsKnownResourceType), Is.Not.Null);

    [TestCase("Observation.code.coding.where(system='http://loinc.org')")]
    [TestCase("Observation.extension('http://example.org/x')")]
    [TestCase("Patient.deceased.exists() and Patient.deceased != false")]
    [TestCase("Encounter.subject")]
    [TestCase("Observation.value.as(FHIR.Quantity)")]
    public void Anything_else_is_left_to_the_engine(string expression) =>
        Assert.That(SimplePathExpression.TryParse(expression, "Observation", Registry.IsKnownResourceType), Is.Null);
}
