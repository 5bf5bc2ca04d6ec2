using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Core.Synthetic;

namespace Interop.Benchmarks.Micro;

/// <summary>Inputs for the micro-benchmarks, all generated (seed 42), nothing read from disk.</summary>
public static class MicroBenchmarkData
{
    private static readonly Lazy<Bundle> Record = new(() => new SyntheticDataGenerator(42, new SyntheticDataOptions { ResourcesPerPatient = 100 }).Patient(3));

    public static Patient Patient => Record.Value.Entry.Select(e => e.Resource).OfType<Patient>().First();

    /// <summary>A lab result (with reference range), the most common resource in a record.</summary>
    public static Observation Observation =>
        Record.Value.Entry.Select(e => e.Resource).OfType<Observation>().FirstOrDefault(o => o.ReferenceRange.Count > 0)
        ?? Record.Value.Entry.Select(e => e.Resource).OfType<Observation>().First();

    /// <summary>Every resource of the generated record but the Patient, as (type, stored JSON): what a summary reads.</summary>
    public static IReadOnlyList<(string Type, string Json)> RecordJson =>
        Record.Value.Entry.Select(e => e.Resource).OfType<Resource>().Where(r => r is not Hl7.Fhir.Model.Patient)
            .Select(r => { r.Id ??= Guid.NewGuid().ToString(); return (r.TypeName, Interop.Core.Fhir.FhirSerialization.ToJson(r)); }).ToList();

    public static string FirstAdtMessage => new SyntheticHl7v2Generator(42).AdtMessages(1, 1).First();

    /// <summary>
    /// A privacy Consent as the ledger takes it: deny everyone mental-health items, except the GP
    /// practice and one hospital trust for treatment.
    /// </summary>
    public static Hl7.Fhir.Model.Consent Consent()
    {
        static ResourceReference Org(string ods) => new() { Identifier = new Identifier(KnownSystems.OdsOrganisationCode, ods) };
        return new Hl7.Fhir.Model.Consent
        {
            Status = Hl7.Fhir.Model.Consent.ConsentState.Active,
            Scope = new CodeableConcept(KnownSystems.ConsentScope, "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference("Patient/p1"),
            PolicyRule = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
            Provision = new Hl7.Fhir.Model.Consent.provisionComponent
            {
                Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Deny,
                SecurityLabel = [new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "PSY")],
                Provision =
                [
                    new Hl7.Fhir.Model.Consent.provisionComponent
                    {
                        Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit,
                        Actor = [new Hl7.Fhir.Model.Consent.provisionActorComponent { Reference = Org("N82001") }, new Hl7.Fhir.Model.Consent.provisionActorComponent { Reference = Org("RBQ") }],
                        Purpose = [new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT")],
                        Class = [new Coding("http://hl7.org/fhir/resource-types", "Condition"), new Coding("http://hl7.org/fhir/resource-types", "MedicationRequest")],
                    },
                ],
            },
        };
    }
}
