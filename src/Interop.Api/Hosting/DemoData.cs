using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Core.Known;

namespace Interop.Api.Hosting;

/// <summary>
/// The small, readable demo record seeded into an empty database in Development: a GP practice,
/// a hospital trust and a council, and three patients with realistic UK data (NHS numbers from
/// the never-issued 999 range, SNOMED CT and dm+d codes). Stable ids so the README's examples work.
/// </summary>
public static class DemoData
{
    public static IEnumerable<Resource> Resources()
    {
        yield return Org("demo-gp-practice", "N82054", "Riverside Medical Centre", "gp-practice", "GP practice", "L8 1AB");
        yield return Org("demo-hospital-trust", "RBQ", "Liverpool Heart and Chest Hospital NHS Foundation Trust", "hospital-trust", "Hospital trust", "L14 3PE");
        yield return Org("demo-council", "E08000012", "Liverpool City Council Adult Social Care", "council", "Council", "L2 2DH");

        yield return Person("demo-jane-smith", "9990000018", "Smith", "Jane", AdministrativeGender.Female, "1961-03-02", "12 Lark Lane", "L17 8UU");
        yield return Person("demo-tom-jones", "9990000026", "Jones", "Thomas", AdministrativeGender.Male, "1948-11-19", "4 Menlove Avenue", "L25 7SA");
        yield return Person("demo-amira-khan", "9990000034", "Khan", "Amira", AdministrativeGender.Female, "1990-07-08", "31 Smithdown Road", "L7 4JE");

        yield return Problem("demo-jane-asthma", "demo-jane-smith", "195967001", "Asthma", "1998-04-01");
        yield return Problem("demo-jane-diabetes", "demo-jane-smith", "44054006", "Type 2 diabetes mellitus", "2015-06-03");
        yield return Problem("demo-tom-hypertension", "demo-tom-jones", "38341003", "Hypertensive disorder, systemic arterial", "2009-02-14");
        yield return new AllergyIntolerance
        {
            Id = "demo-jane-penicillin",
            ClinicalStatus = new CodeableConcept(KnownSystems.AllergyClinical, "active"),
            Code = new CodeableConcept(KnownSystems.Snomed, "91936005", "Allergy to penicillin"),
            Patient = new ResourceReference("Patient/demo-jane-smith"),
            RecordedDate = "2004-09-20",
            Reaction = [new AllergyIntolerance.ReactionComponent
            {
                Substance = new CodeableConcept(KnownSystems.Snomed, "890458001", "Penicillin-containing product"),
                Manifestation = [new CodeableConcept { Text = "Urticarial rash" }],
                Severity = AllergyIntolerance.AllergyIntoleranceSeverity.Moderate,
            }],
        };
        yield return new MedicationStatement
        {
            Id = "demo-jane-salbutamol",
            Status = MedicationStatement.MedicationStatusCodes.Active,
            Medication = new CodeableConcept(KnownSystems.Dmd, "39113611000001102", "Salbutamol 100micrograms/dose inhaler CFC free"),
            Subject = new ResourceReference("Patient/demo-jane-smith"),
            Dosage = [new Dosage { Text = "2 puffs when required" }],
            ReasonReference = [new ResourceReference("Condition/demo-jane-asthma")],
        };
        yield return new Observation
        {
            Id = "demo-jane-glucose",
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept(KnownSystems.ObservationCategory, "laboratory")],
            Code = new CodeableConcept(KnownSystems.Snomed, "997681000000108", "Fasting blood glucose level"),
            Subject = new ResourceReference("Patient/demo-jane-smith"),
            Effective = new FhirDateTime("2023-01-10"),
            Value = new Quantity { Value = 7.8m, Unit = "mmol/L", System = KnownSystems.Ucum, Code = "mmol/L" },
        };
    }

    private static Organization Org(string id, string ods, string name, string type, string display, string postcode) => new()
    {
        Id = id,
        Active = true,
        Identifier = [new Identifier(KnownSystems.OdsOrganisationCode, ods)],
        Type = [new CodeableConcept(KnownSystems.OrganisationType, type, display)],
        Name = name,
        Address = [new Address { City = "Liverpool", PostalCode = postcode, Country = "GB" }],
    };

    private static Patient Person(string id, string nhs, string family, string given, AdministrativeGender gender, string birthDate, string line, string postcode) => new()
    {
        Id = id,
        Active = true,
        Identifier =
        [
            new Identifier(KnownSystems.NhsNumber, nhs)
            {
                Extension = [new Extension(KnownSystems.UkCoreNhsNumberVerificationStatusExtension,
                    new CodeableConcept(KnownSystems.UkCoreNhsNumberVerificationStatusEngland, "01", "Number present and verified"))],
            },
        ],
        Name = [new HumanName { Use = HumanName.NameUse.Official, Family = family, Given = [given] }],
        Gender = gender,
        BirthDate = birthDate,
        Address = [new Address { Use = Address.AddressUse.Home, Line = [line], City = "Liverpool", PostalCode = postcode, Country = "GB" }],
        GeneralPractitioner = [new ResourceReference("Organization/demo-gp-practice")],
        ManagingOrganization = new ResourceReference("Organization/demo-gp-practice"),
    };

    private static Condition Problem(string id, string patient, string code, string display, string onset) => new()
    {
        Id = id,
        ClinicalStatus = new CodeableConcept(KnownSystems.ConditionClinical, "active"),
        VerificationStatus = new CodeableConcept(KnownSystems.ConditionVerification, "confirmed"),
        Category = [new CodeableConcept(KnownSystems.ConditionCategory, "problem-list-item", "Problem List Item")],
        Code = new CodeableConcept(KnownSystems.Snomed, code, display),
        Subject = new ResourceReference($"Patient/{patient}"),
        Onset = new FhirDateTime(onset),
    };
}
