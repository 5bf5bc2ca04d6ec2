using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Core.Validation;
using NUnit.Framework;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;
using Severity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;

namespace Interop.Tests.Validation;

/// <summary>One test per kind of profile constraint the validator supports, on small hand-built instances.</summary>
[TestFixture]
public class ProfileValidatorTests
{
    private const string PatientProfile = "https://interop.example/fhir/StructureDefinition/InteropPatient";
    private static readonly ProfileValidator Validator = new();

    private static Patient ValidPatient() => new()
    {
        Identifier = [new Identifier(KnownSystems.NhsNumber, "9434765919")],
        Name = [new HumanName { Family = "SMITH", Given = ["Jane"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1961-03-02",
    };

    private static Organization ValidOrganization() => new()
    {
        Identifier = [new Identifier(KnownSystems.OdsOrganisationCode, "RBQ")],
        Type = [new CodeableConcept(KnownSystems.OrganisationType, "hospital-trust")],
        Name = "Example Hospital Trust",
    };

    private static List<OperationOutcome.IssueComponent> Errors(OperationOutcome outcome) =>
        outcome.Issue.Where(i => i.Severity is Severity.Error or Severity.Fatal).ToList();

    private static OperationOutcome.IssueComponent? Find(OperationOutcome outcome, IssueType type, string expression) =>
        outcome.Issue.FirstOrDefault(i => i.Code == type && i.Expression.Contains(expression));

    [Test]
    public void KnownProfilesListsEveryProfileWeOwn()
    {
        Assert.That(Validator.KnownProfiles, Does.Contain(PatientProfile));
        Assert.That(Validator.KnownProfiles, Has.Count.EqualTo(9));
        Assert.That(Validator.DefaultProfileFor("Patient"), Is.EqualTo(PatientProfile));
        Assert.That(Validator.DefaultProfileFor("Observation"), Is.Null);
        Assert.That(Validator.Library.CapabilityStatement?.Rest[0].Resource.Count(r => r.Profile is not null), Is.EqualTo(9));
    }

    [Test]
    public void ValidPatientPassesWithOneInformationalIssue()
    {
        var outcome = Validator.Validate(ValidPatient());

        Assert.That(outcome.Issue, Has.Count.EqualTo(1));
        Assert.That(outcome.Issue[0].Severity, Is.EqualTo(Severity.Information));
        Assert.That(ProfileValidator.HasErrors(outcome), Is.False);
    }

    [Test]
    public void MinimumCardinalityIsReportedAtTheMissingElement()
    {
        var patient = ValidPatient();
        patient.Name.Clear();

        var issue = Find(Validator.Validate(patient), IssueType.Required, "Patient.name");

        Assert.That(issue, Is.Not.Null);
        Assert.That(ValidationIssues.DetailCode(issue!), Is.EqualTo("PROFILE_VIOLATION"));
        Assert.That(issue!.Details!.Coding[0].System, Is.EqualTo(KnownSystems.ErrorCode));
    }

    [Test]
    public void MaximumCardinalityOfASliceIsEnforced()
    {
        var patient = ValidPatient();
        patient.Identifier.Add(new Identifier(KnownSystems.NhsNumber, "9000000009"));

        Assert.That(Find(Validator.Validate(patient), IssueType.Structure, "Patient.identifier")?.Diagnostics,
            Does.Contain("cardinality-max Patient.identifier:nhsNumber"));
    }

    [Test]
    public void SliceRequiredValueIsCheckedOnlyOnTheMatchingIdentifier()
    {
        var patient = ValidPatient();
        patient.Identifier.Insert(0, new Identifier("https://interop.example/Id/source-record/gp/N82054", null));
        patient.Identifier[1].Value = null;

        var outcome = Validator.Validate(patient);

        Assert.That(Find(outcome, IssueType.Required, "Patient.identifier[1].value"), Is.Not.Null);
        Assert.That(Find(outcome, IssueType.Required, "Patient.identifier[0].value"), Is.Null);
    }

    [Test]
    public void IdentifierInAnotherSystemDoesNotCountTowardsTheSlice()
    {
        var patient = ValidPatient();
        patient.Identifier[0].System = "https://fhir.nhs.uk/Id/nhs-number-typo";

        var outcome = Validator.Validate(patient);

        // The NHS number slice is 0..1 (UK Core): an identifier in another system neither fills nor breaks it.
        Assert.That(Errors(outcome).Where(i => i.Expression.Any(e => e.StartsWith("Patient.identifier"))), Is.Empty);
    }

    [Test]
    public void FixedValuesClosedSlicingAndChoiceTypesFromAProfileOfOurOwn()
    {
        const string profile = """
            {"resourceType":"StructureDefinition","url":"https://interop.example/fhir/StructureDefinition/TestObservation","name":"TestObservation",
             "status":"draft","kind":"resource","abstract":false,"type":"Observation","derivation":"constraint",
             "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation",
             "differential":{"element":[
               {"id":"Observation.status","path":"Observation.status","fixedCode":"final"},
               {"id":"Observation.identifier","path":"Observation.identifier","slicing":{"discriminator":[{"type":"value","path":"system"}],"rules":"closed"}},
               {"id":"Observation.identifier:lab","path":"Observation.identifier","sliceName":"lab","max":"1"},
               {"id":"Observation.identifier:lab.system","path":"Observation.identifier.system","fixedUri":"https://lab.example/id"},
               {"id":"Observation.value[x]","path":"Observation.value[x]","type":[{"code":"Quantity"}]}]}}
            """;
        var validator = new ProfileValidator(ProfileLibrary.FromJson([("test", profile)]));
        var observation = new Observation
        {
            Status = ObservationStatus.Preliminary,
            Code = new CodeableConcept { Text = "pulse" },
            Identifier = [new Identifier("https://lab.example/id", "1"), new Identifier("https://other.example/id", "2")],
            Value = new FhirString("fast"),
        };

        var outcome = validator.Validate(observation, "https://interop.example/fhir/StructureDefinition/TestObservation");

        Assert.That(Find(outcome, IssueType.Value, "Observation.status")?.Diagnostics, Does.StartWith("fixed"));
        Assert.That(Find(outcome, IssueType.Structure, "Observation.identifier[1]")?.Diagnostics, Does.StartWith("slicing-closed"));
        Assert.That(Find(outcome, IssueType.Structure, "Observation.identifier[0]"), Is.Null);
        Assert.That(Find(outcome, IssueType.Structure, "Observation.value")?.Diagnostics, Does.StartWith("type"));
    }

    [Test]
    public void PatternOnCodeableConceptAllowsExtraCodingsButRequiresThePatternCoding()
    {
        var consent = ValidConsent();
        consent.Scope!.Coding.Add(new Coding("http://example.org/local-scope", "shcr"));
        Assert.That(Errors(Validator.Validate(consent)), Is.Empty);

        consent.Scope = new CodeableConcept(KnownSystems.ConsentScope, "treatment");
        Assert.That(Find(Validator.Validate(consent), IssueType.Value, "Consent.scope")?.Diagnostics, Does.StartWith("pattern"));
    }

    [Test]
    public void RequiredBindingAcceptsOurCodesAndRejectsOthers()
    {
        var organization = ValidOrganization();
        organization.Type[0].Coding[0].Code = "pharmacy";

        var issue = Find(Validator.Validate(organization), IssueType.CodeInvalid, "Organization.type[0]");

        Assert.That(issue, Is.Not.Null);
        Assert.That(issue!.Details!.Text, Does.Contain("https://interop.example/fhir/ValueSet/organization-type-any"));
    }

    [Test]
    public void OrganizationWithoutOdsCodeIsValidWhenNamedAndTyped()
    {
        // A Synthea hospital: no ODS code (UK Core slice 0..1), HL7 organization-type "prov".
        var hospital = new Organization
        {
            Identifier = [new Identifier("https://github.com/synthetichealth/synthea", "6f122869-a856-3d65-8db9-099bf4f5bbb8")],
            Type = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/organization-type", "prov", "Healthcare Provider")],
            Name = "LAHEY HOSPITAL & MEDICAL CENTER, BURLINGTON",
        };

        Assert.That(Errors(Validator.Validate(hospital)), Is.Empty);
    }

    [Test]
    public void UnclaimedOrganizationWithoutNameIsAProfileViolation()
    {
        var organization = ValidOrganization();
        organization.Name = null;

        var issue = Find(Validator.Validate(organization), IssueType.Required, "Organization.name");

        Assert.That(issue, Is.Not.Null);
        Assert.That(ValidationIssues.DetailCode(issue!), Is.EqualTo("PROFILE_VIOLATION"));
    }

    [TestCase("rbq")]
    [TestCase("RB")]
    [TestCase("N82 054")]
    [TestCase("N82054-001")]
    public void MalformedOdsCodeIsRefused(string ods)
    {
        var organization = ValidOrganization();
        organization.Identifier[0].Value = ods;

        Assert.That(Find(Validator.Validate(organization), IssueType.Invariant, "Organization.identifier[0].value")?.Diagnostics, Does.Contain("interop-ods-1"));
    }

    [TestCase("RBQ")]
    [TestCase("N82054")]
    [TestCase("E08000012")]
    public void WellFormedOdsCodeIsAccepted(string ods)
    {
        var organization = ValidOrganization();
        organization.Identifier[0].Value = ods;

        Assert.That(Errors(Validator.Validate(organization)), Is.Empty);
    }

    [Test]
    public void OdsCodedOrganizationNeedsAnOrganisationTypeCode()
    {
        var organization = ValidOrganization();
        organization.Type = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/organization-type", "prov")];

        Assert.That(Find(Validator.Validate(organization), IssueType.Invariant, "Organization")?.Diagnostics, Does.Contain("interop-org-1"));
    }

    [Test]
    public void RequiredBindingAcceptsEnumeratedExternalCodes()
    {
        var consent = ValidConsent();
        consent.Provision!.Purpose = [new Coding(KnownSystems.V3ActReason, "ETREAT")];
        consent.Provision.SecurityLabel = [new Coding(KnownSystems.V3ActCode, "HIV"), new Coding(KnownSystems.SensitiveClass, "IVF")];
        Assert.That(Errors(Validator.Validate(consent)), Is.Empty);

        consent.Provision.Purpose = [new Coding(KnownSystems.V3ActReason, "MARKT")];
        Assert.That(Find(Validator.Validate(consent), IssueType.CodeInvalid, "Consent.provision.purpose[0]"), Is.Not.Null);
    }

    [Test]
    public void FhirPathConstraintChecksTheNhsNumberCheckDigit()
    {
        var patient = ValidPatient();
        patient.Identifier[0].Value = "9434765918";

        var issue = Find(Validator.Validate(patient), IssueType.Invariant, "Patient.identifier[0].value");

        Assert.That(issue?.Diagnostics, Does.StartWith("interop-nhs-1"));
    }

    [TestCase("9434765919", true)]
    [TestCase("9000000009", true)]
    [TestCase("4010232137", true)]
    [TestCase("9876543210", true)]
    [TestCase("943476591", false)]
    [TestCase("94347659AB", false)]
    [TestCase("9434765910", false)]
    public void NhsNumberConstraintAgreesWithTheModulus11Rule(string value, bool valid)
    {
        var patient = ValidPatient();
        patient.Identifier[0].Value = value;

        var failed = Find(Validator.Validate(patient), IssueType.Invariant, "Patient.identifier[0].value") is not null;

        Assert.That(failed, Is.EqualTo(!valid));
        Assert.That(Interop.Core.Identity.NhsNumber.IsValid(value), Is.EqualTo(valid));
    }

    [Test]
    public void ReferenceTargetTypeIsChecked()
    {
        var consent = ValidConsent();
        consent.Patient = new ResourceReference("Practitioner/1");

        Assert.That(Find(Validator.Validate(consent), IssueType.Structure, "Consent.patient")?.Diagnostics, Does.StartWith("reference-target"));
    }

    [Test]
    public void ExplicitProfileOverridesMetaProfileAndUnknownProfilesAreReported()
    {
        var outcome = Validator.Validate(ValidOrganization(), PatientProfile);
        Assert.That(Errors(outcome).Single().Diagnostics, Does.StartWith("profile-type"));

        var unknown = Validator.Validate(ValidPatient(), "https://example.org/StructureDefinition/Nope");
        Assert.That(Find(unknown, IssueType.NotSupported, "Patient"), Is.Not.Null);
    }

    [Test]
    public void ClaimedForeignProfileIsNotedButOurDefaultStillApplies()
    {
        var patient = ValidPatient();
        patient.Meta = new Meta { Profile = ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"] };
        patient.Name.Clear();

        var outcome = Validator.Validate(patient);

        Assert.That(Find(outcome, IssueType.NotSupported, "Patient.meta.profile")?.Severity, Is.EqualTo(Severity.Information));
        Assert.That(Find(outcome, IssueType.Required, "Patient.name"), Is.Not.Null);
    }

    [Test]
    public void BundleEntriesAreValidatedAgainstTheirProfiles()
    {
        var patient = ValidPatient();
        patient.Name.Clear();
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Entry = [new Bundle.EntryComponent { Resource = patient }] };

        Assert.That(Find(Validator.Validate(bundle), IssueType.Required, "Bundle.entry[0].resource.name"), Is.Not.Null);
    }

    [Test]
    public void EveryProblemIsReportedNotJustTheFirst()
    {
        var patient = ValidPatient();
        patient.Name.Clear();
        patient.Identifier[0].Value = "1234567890";
        patient.Identifier.Add(new Identifier(KnownSystems.NhsNumber, "9000000009"));

        Assert.That(Errors(Validator.Validate(patient)), Has.Count.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void ConsentNestingDeeperThanOneLevelFailsTheConstraint()
    {
        var consent = ValidConsent();
        consent.Provision!.Provision = [new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Permit }];
        Assert.That(Errors(Validator.Validate(consent)), Is.Empty);

        consent.Provision!.Provision[0].Provision = [new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Deny }];
        Assert.That(Find(Validator.Validate(consent), IssueType.Invariant, "Consent.provision")?.Diagnostics, Does.StartWith("interop-consent-1"));
    }

    private static Consent ValidConsent() => new()
    {
        Status = Consent.ConsentState.Active,
        Scope = new CodeableConcept(KnownSystems.ConsentScope, "patient-privacy"),
        Category = [new CodeableConcept(KnownSystems.Loinc, "59284-0")],
        Patient = new ResourceReference("Patient/p1"),
        DateTime = "2025-01-10",
        Organization = [new ResourceReference { Identifier = new Identifier(KnownSystems.OdsOrganisationCode, "N82054") }],
        Policy = [new Consent.PolicyComponent { Uri = "https://interop.example/policy/direct-care/v1" }],
        Provision = new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Deny },
    };
}
