using Hl7.Fhir.Model;
using Interop.Core.Validation;
using NUnit.Framework;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace Interop.Tests.Validation;

/// <summary>Base R4 checks that apply to every resource, whether or not we own a profile for it.</summary>
[TestFixture]
public class BaseStructureValidationTests
{
    private static readonly ProfileValidator Validator = new();

    private static bool Has(OperationOutcome outcome, string expression, string detailCode = "INVALID_REQUEST") =>
        outcome.Issue.Any(i => i.Expression.Contains(expression) && ValidationIssues.DetailCode(i) == detailCode
                               && i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);

    [Test]
    public void ObservationWithoutStatusAndCodeFailsBothRequiredElements()
    {
        var outcome = Validator.Validate(new Observation { Subject = new ResourceReference("Patient/1") });

        Assert.That(Has(outcome, "Observation.status"), Is.True);
        Assert.That(Has(outcome, "Observation.code"), Is.True);
    }

    [Test]
    public void WrongPrimitiveFormatIsReportedFromJson()
    {
        const string json = """{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"2020-13-45"}""";

        var outcome = Validator.ValidateJson(json);

        Assert.That(Has(outcome, "Observation.effective"), Is.True);
        Assert.That(outcome.Issue.Count(i => i.Expression.Contains("Observation.effective")), Is.EqualTo(1), "reported once, not by both parse and validation");
    }

    [Test]
    public void WrongPrimitiveFormatIsReportedFromAnInstance()
    {
        var patient = new Patient { BirthDateElement = new Date("2000-02-30T10:00") };

        Assert.That(Has(Validator.Validate(patient), "Patient.birthDate"), Is.True);
    }

    [Test]
    public void UnknownElementsAndBadJsonAreCollectedTogether()
    {
        const string json = """{"resourceType":"Observation","status":"bogus","code":{"text":"x"},"colour":"blue"}""";

        var outcome = Validator.ValidateJson(json);

        Assert.That(Has(outcome, "Observation.colour"), Is.True);
        Assert.That(Has(outcome, "Observation.status"), Is.True);
    }

    [Test]
    public void NotJsonAtAllIsOneFatalIssue()
    {
        var outcome = Validator.ValidateJson("this is not json");

        Assert.That(outcome.Issue.Any(i => i.Severity == OperationOutcome.IssueSeverity.Fatal || i.Severity == OperationOutcome.IssueSeverity.Error), Is.True);
    }

    [Test]
    public void SpecInvariantsAreEvaluated()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Value = new Quantity(72, "/min"),
            DataAbsentReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown"),
            Effective = new Period { Start = "2025-01-02", End = "2025-01-01" },
        };

        var outcome = Validator.Validate(observation);

        Assert.That(outcome.Issue.Any(i => i.Diagnostics == "obs-6" && i.Code == IssueType.Invariant && i.Expression.Contains("Observation")), Is.True);
        Assert.That(outcome.Issue.Any(i => i.Diagnostics == "per-1" && i.Expression.Contains("Observation.effective")), Is.True);
    }

    [Test]
    public void TypesWithoutOurProfileGetBaseChecksOnly()
    {
        var outcome = Validator.Validate(new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "pulse" } });

        Assert.That(ProfileValidator.HasErrors(outcome), Is.False);
        Assert.That(outcome.Issue.Any(i => ValidationIssues.DetailCode(i) == "PROFILE_VIOLATION"), Is.False);
    }
}
