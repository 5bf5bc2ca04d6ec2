using Hl7.Fhir.Model;
using Interop.Core.Search;
using NUnit.Framework;

namespace Interop.Tests.Search;

[TestFixture]
public class CompartmentResolverTests
{
    private static readonly CompartmentResolver Resolver = new(new SearchIndexer(new SearchParameterRegistry()));

    [Test]
    public void Patient_is_in_its_own_compartment_and_that_of_linked_patients()
    {
        var patient = new Patient { Id = "p1", Link = [new Patient.LinkComponent { Other = new ResourceReference("Patient/p0"), Type = Patient.LinkType.Seealso }] };
        Assert.That(Resolver.PatientIds(patient), Is.EquivalentTo(new[] { "p1", "p0" }));
    }

    [Test]
    public void Observation_by_subject_and_patient_performer_but_not_practitioner()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "1"),
            Subject = new ResourceReference("Patient/p1"),
            Performer = [new ResourceReference("Patient/p2"), new ResourceReference("Practitioner/dr1")],
        };
        Assert.That(Resolver.PatientIds(observation), Is.EquivalentTo(new[] { "p1", "p2" }));
    }

    [Test]
    public void Observation_about_a_group_is_in_no_patient_compartment()
    {
        var observation = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept(), Subject = new ResourceReference("Group/g1") };
        Assert.That(Resolver.PatientIds(observation), Is.Empty);
    }

    [Test]
    public void AllergyIntolerance_by_patient_and_asserter()
    {
        var allergy = new AllergyIntolerance
        {
            Patient = new ResourceReference("Patient/p1"),
            Asserter = new ResourceReference("Patient/p3"),
            Recorder = new ResourceReference("Practitioner/dr1"),
        };
        Assert.That(Resolver.PatientIds(allergy), Is.EquivalentTo(new[] { "p1", "p3" }));
    }

    [Test]
    public void Encounter_and_medication_request_and_consent()
    {
        Assert.That(Resolver.PatientIds(new Encounter { Subject = new ResourceReference("Patient/e1") }), Is.EquivalentTo(new[] { "e1" }));
        Assert.That(Resolver.PatientIds(new MedicationRequest { Subject = new ResourceReference("Patient/m1") }), Is.EquivalentTo(new[] { "m1" }));
        Assert.That(Resolver.PatientIds(new Consent { Patient = new ResourceReference("Patient/c1") }), Is.EquivalentTo(new[] { "c1" }));
    }

    [Test]
    public void Resources_outside_the_compartment_and_unresolved_references()
    {
        Assert.That(Resolver.PatientIds(new Organization { Id = "o1", Name = "GP" }), Is.Empty);
        Assert.That(Resolver.PatientIds(new Practitioner { Id = "dr1" }), Is.Empty);
        Assert.That(Resolver.PatientIds(new Encounter { Subject = new ResourceReference("urn:uuid:0f6c5a7e-1111-4111-8111-111111111111") }), Is.Empty);
    }

    [Test]
    public void Compartment_table_names_only_real_reference_parameters()
    {
        var registry = new SearchParameterRegistry();
        var wrong = PatientCompartmentDefinition.ResourceTypes
            .SelectMany(type => PatientCompartmentDefinition.ParametersFor(type).Select(code => (type, code)))
            .Where(p => registry.Find(p.type, p.code) is not { Type: SearchParamType.Reference })
            .Select(p => $"{p.type}.{p.code}")
            .ToList();
        Assert.That(wrong, Is.Empty);
    }
}
