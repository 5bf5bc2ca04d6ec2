using Hl7.Fhir.Model;
using Interop.Adapters.Council;
using Interop.Adapters.Gp;
using Interop.Adapters.Hl7v2;
using Interop.Core.Identity;
using Interop.Core.Known;
using NUnit.Framework;
using static Interop.Tests.Adapters.AdapterTestSupport;

namespace Interop.Tests.Adapters;

/// <summary>
/// Each mapper puts the source's NHS number verification status on the Patient in the UK Core
/// shape (<c>Patient.identifier:nhsNumber.extension:nhsNumberVerificationStatus</c>), and none when
/// the source gives none, so the matching rule can be applied to stored data.
/// </summary>
[TestFixture]
public sealed class NhsNumberVerificationMappingTests
{
    private const string Nhs = "9434765919";

    private static Coding? StatusCoding(Patient patient)
    {
        var nhs = patient.Identifier.Single(i => i.System == KnownSystems.NhsNumber);
        return (nhs.GetExtension(KnownSystems.UkCoreNhsNumberVerificationStatusExtension)?.Value as CodeableConcept)?.Coding.Single();
    }

    private static Hl7v2MappingResult MapAdt(string? pid32)
    {
        var message = Adt("A01", "C1", Nhs, "M1", "V1", nhsStatus: pid32);
        return new Hl7v2ToFhirMapper(TimeZoneInfo.Utc).Map(new Hl7v2Parser().Parse(message).Messages.Single());
    }

    [TestCase("NSTS01", "01", "Number present and verified")]
    [TestCase("NSTS02", "02", "Number present but not traced")]
    [TestCase("03", "03", "Trace required")]
    public void Hl7v2_pid_32_becomes_the_uk_core_extension(string pid32, string code, string display)
    {
        var result = MapAdt(pid32);
        var coding = StatusCoding(result.Transaction!.Entry.Select(e => e.Resource).OfType<Patient>().Single());
        Assert.That(coding!.System, Is.EqualTo(KnownSystems.UkCoreNhsNumberVerificationStatusEngland));
        Assert.That(coding.Code, Is.EqualTo(code));
        Assert.That(coding.Display, Is.EqualTo(display));
    }

    [Test]
    public void Hl7v2_without_pid_32_has_no_status()
    {
        var patient = MapAdt(null).Transaction!.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        Assert.That(StatusCoding(patient), Is.Null);
        Assert.That(NhsNumberVerification.IsVerified(patient), Is.False);
    }

    [Test]
    public void Hl7v2_pid_32_that_is_no_status_is_a_warning_and_no_extension()
    {
        var result = MapAdt("AL");
        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AA));
        Assert.That(result.Problems.Single(p => p.FieldPosition == 32).Severity, Is.EqualTo(Hl7v2Severity.Warning));
        Assert.That(StatusCoding(result.Transaction!.Entry.Select(e => e.Resource).OfType<Patient>().Single()), Is.Null);
    }

    [TestCase("01")]
    [TestCase("04")]
    public void Gp_nhs_number_status_becomes_the_uk_core_extension(string status)
    {
        var json = Fixture("gp", "full-extract.json").Replace("\"nhsNumberStatus\":\"01\"", $"\"nhsNumberStatus\":\"{status}\"");
        var mapped = GpExtractMapper.Map(GpExtractReader.Read(json).Extract!);
        var coding = StatusCoding(mapped.Transaction!.Entry.Select(e => e.Resource).OfType<Patient>().Single());
        Assert.That(coding!.Code, Is.EqualTo(status));
        Assert.That(coding.Display, Is.EqualTo(NhsNumberVerification.Displays[status]));
    }

    private const string CouncilHeader = "councilCode,assessmentId,personId,nhsNumber,nhsNumberStatus,assessmentType,startDate,status";

    [Test]
    public void A_council_status_column_becomes_the_uk_core_extension_and_an_absent_one_none()
    {
        var read = CouncilAssessmentReader.Read($"{CouncilHeader}\nLIVCC,A1,P1,{Nhs},01,needs,2024-03-04,in-progress\nLIVCC,A2,P2,{Nhs},,needs,2024-03-04,in-progress\n", "text/csv");
        Assert.That(read.Problems.Where(p => p.IsError), Is.Empty);
        var patients = read.Rows.Select(r => CouncilAssessmentMapper.Map(r).Entry.Select(e => e.Resource).OfType<Patient>().Single()).ToList();
        Assert.That(StatusCoding(patients[0])!.Code, Is.EqualTo("01"));
        Assert.That(StatusCoding(patients[1]), Is.Null);
    }

    [Test]
    public void A_council_status_that_is_no_code_names_its_row_and_column()
    {
        var read = CouncilAssessmentReader.Read($"{CouncilHeader}\nLIVCC,A1,P1,{Nhs},09,needs,2024-03-04,in-progress\n", "text/csv");
        Assert.That(read.Rows, Is.Empty);
        Assert.That(read.Problems.Single(p => p.IsError).Expression, Is.EqualTo("row[1].nhsNumberStatus"));
    }
}
