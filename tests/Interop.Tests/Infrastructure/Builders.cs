using Hl7.Fhir.Model;
using Interop.Core.Known;
using Consent = Hl7.Fhir.Model.Consent;

namespace Interop.Tests.Infrastructure;

/// <summary>Builders for test data: each test makes its own (style.md, "Tests").</summary>
public static class Builders
{
    private static int _nhsSeed = 1;

    /// <summary>A fresh, valid NHS number from the never-issued 999 range.</summary>
    public static string NextNhsNumber()
    {
        while (true)
        {
            var n = Interlocked.Increment(ref _nhsSeed);
            var firstNine = (999_100_000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (Interop.Core.Identity.NhsNumber.CheckDigit(firstNine) is { } check) return firstNine + check;
        }
    }

    public static Patient Patient(string family = "Smith", string given = "Jane", string? nhsNumber = null, string? id = null) => new()
    {
        Id = id,
        Identifier = [new Identifier(KnownSystems.NhsNumber, nhsNumber ?? NextNhsNumber())],
        Name = [new HumanName { Family = family, Given = [given] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1961-03-02",
    };

    public static Observation Observation(string patientId, string code = "997681000000108", decimal value = 7.8m) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(KnownSystems.Snomed, code, "Fasting blood glucose level"),
        Subject = new ResourceReference($"Patient/{patientId}"),
        Effective = new FhirDateTime("2023-01-10"),
        Value = new Quantity { Value = value, Unit = "mmol/L", System = KnownSystems.Ucum, Code = "mmol/L" },
    };
}

/// <summary>Privacy consents shaped after IHE PCF and our InteropConsent profile.</summary>
public static class ConsentBuilder
{
    public static Consent Base(string patientId, Consent.ConsentProvisionType type, string recordedBy = "N82054") => new()
    {
        Status = Consent.ConsentState.Active,
        Scope = new CodeableConcept(KnownSystems.ConsentScope, "patient-privacy"),
        Category = [new CodeableConcept(KnownSystems.Loinc, "59284-0")],
        Patient = new ResourceReference($"Patient/{patientId}"),
        DateTime = "2026-01-10",
        Performer = [new ResourceReference($"Patient/{patientId}")],
        Organization = [new ResourceReference { Identifier = new Identifier(KnownSystems.OdsOrganisationCode, recordedBy) }],
        Policy = [new Consent.PolicyComponent { Uri = "https://interop.example/policy/shcr-objection/v1" }],
        Provision = new Consent.provisionComponent { Type = type },
    };

    /// <summary>The patient objects to sharing with every other organisation.</summary>
    public static Consent Dissent(string patientId) => Base(patientId, Consent.ConsentProvisionType.Deny);

    public static Consent.provisionActorComponent Actor(string ods) => new()
    {
        Role = new CodeableConcept(KnownSystems.V3ParticipationType, "IRCP"),
        Reference = new ResourceReference { Identifier = new Identifier(KnownSystems.OdsOrganisationCode, ods) },
    };

    /// <summary>The patient denies one named organisation.</summary>
    public static Consent DenyOrganisation(string patientId, string ods)
    {
        var c = Base(patientId, Consent.ConsentProvisionType.Deny);
        c.Provision.Actor.Add(Actor(ods));
        return c;
    }

    /// <summary>The patient permits a sensitive class (v3 ActCode or local) to a named organisation.</summary>
    public static Consent PermitClass(string patientId, string ods, string labelCode, string system = KnownSystems.V3ActCode)
    {
        var c = Base(patientId, Consent.ConsentProvisionType.Permit);
        c.Policy = [new Consent.PolicyComponent { Uri = "https://interop.example/policy/sensitive-permit/v1" }];
        c.Provision.Actor.Add(Actor(ods));
        c.Provision.SecurityLabel.Add(new Coding(system, labelCode));
        return c;
    }
}
