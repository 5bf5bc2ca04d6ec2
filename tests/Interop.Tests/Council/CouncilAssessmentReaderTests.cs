using Hl7.Fhir.Model;
using Interop.Adapters.Council;
using NUnit.Framework;

namespace Interop.Tests.Council;

[TestFixture]
public class CouncilAssessmentReaderTests
{
    [Test]
    public void Good_csv_yields_every_row_with_typed_values()
    {
        var result = CouncilAssessmentReader.ReadCsv(CouncilFixtures.Read("assessments-good.csv"));

        Assert.That(result.Problems.Where(p => p.IsError), Is.Empty);
        Assert.That(result.Rows, Has.Count.EqualTo(3));
        var first = result.Rows[0];
        Assert.That(first.NhsNumber, Is.EqualTo("9434765919"), "spaces of the 3-3-4 form are removed");
        Assert.That(first.CouncilCode, Is.EqualTo("LIVCC"));
        Assert.That(first.CompletionDate, Is.EqualTo(new DateOnly(2024, 3, 18)));
        Assert.That(first.Outcomes, Has.Count.EqualTo(10));
        Assert.That(first.Outcomes.Count(o => o.UnableToAchieve == true), Is.EqualTo(4));
        Assert.That(first.Outcomes[0].Note, Is.EqualTo("Cannot prepare hot meals, relies on daughter, \"most days\""));
        Assert.That(first.Outcomes[1].Note, Does.Contain("\n"), "quoted note keeps its line break");
        Assert.That(first.SupportPlanGoals, Is.EqualTo(new[] { "Eat a hot meal every day", "Shower safely twice a week", "Get to the community centre on Thursdays" }));
        Assert.That(first.Service, Is.EqualTo(new CouncilService("HS", "LTS-C", new DateOnly(2024, 3, 25), null, "active")));
        Assert.That(result.Rows[1].BirthDate, Is.EqualTo(new DateOnly(1948, 7, 15)), "dd/MM/yyyy is accepted");
        Assert.That(result.Rows[1].Outcomes.All(o => o.UnableToAchieve is null), Is.True);
    }

    [Test]
    public void Bad_rows_are_reported_by_row_and_column_and_good_rows_still_returned()
    {
        var result = CouncilAssessmentReader.ReadCsv(CouncilFixtures.Read("assessments-bad-rows.csv"));

        Assert.That(result.RowCount, Is.EqualTo(4));
        Assert.That(result.Rows.Select(r => r.AssessmentId), Is.EqualTo(new[] { "A-1001", "A-2004" }));
        var errors = result.Problems.Where(p => p.IsError).Select(p => p.Expression).ToList();
        Assert.That(errors, Is.EquivalentTo(new[]
        {
            "row[2].nhsNumber", "row[2].startDate",
            "row[3].personId", "row[3].eventOutcome", "row[3].outcomeNutrition",
        }));
        Assert.That(result.Problems.Single(p => p.Expression == "row[2].nhsNumber").Message, Does.Contain("Modulus 11"));
        Assert.That(result.Problems.Single(p => p.Expression == "row[3].eventOutcome").Message, Does.Contain("PRO-XYZ"));
    }

    [Test]
    public void Missing_required_columns_are_named_once_in_the_header()
    {
        var result = CouncilAssessmentReader.ReadCsv("councilCode,assessmentId,startDate,mystery\nLIVCC,A1,2024-01-01,x\n");

        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Problems.Where(p => p.IsError).Select(p => p.Expression),
            Is.EquivalentTo(new[] { "header.personId", "header.nhsNumber", "header.assessmentType", "header.status" }));
        Assert.That(result.Problems.Single(p => p.Column == "mystery").Severity, Is.EqualTo(OperationOutcome.IssueSeverity.Warning));
    }

    [Test]
    public void Completed_assessment_without_completion_date_and_dates_out_of_order_are_errors()
    {
        var csv = "councilCode,assessmentId,personId,nhsNumber,assessmentType,startDate,completionDate,status,serviceComponent,serviceStartDate,serviceEndDate,serviceStatus\n" +
                  "LIVCC,A1,P1,9434765919,needs,2024-02-01,,completed,,,,\n" +
                  "LIVCC,A2,P2,9434765919,needs,2024-02-01,2024-01-01,in-progress,HS,2024-03-01,2024-02-01,finished\n";
        var result = CouncilAssessmentReader.ReadCsv(csv);

        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Problems.Select(p => p.Expression),
            Is.EquivalentTo(new[] { "row[1].completionDate", "row[2].completionDate", "row[2].serviceEndDate" }));
    }

    [Test]
    public void Row_with_more_fields_than_the_header_is_refused()
    {
        var result = CouncilAssessmentReader.ReadCsv(
            "councilCode,assessmentId,personId,nhsNumber,assessmentType,startDate,status\nLIVCC,A1,P1,9434765919,needs,2024-02-01,accepted,extra\n");
        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Problems.Single().Expression, Is.EqualTo("row[1]"));
    }

    [Test]
    public void Json_array_uses_the_same_fields_and_keeps_goal_arrays_intact()
    {
        var result = CouncilAssessmentReader.ReadJson(CouncilFixtures.Read("assessments.json"));

        Assert.That(result.Rows, Has.Count.EqualTo(1));
        var row = result.Rows[0];
        Assert.That(row.SupportPlanGoals, Is.EqualTo(new[] { "Regain independence with meals", "Manage stairs; with a rail fitted" }));
        Assert.That(row.Outcomes[0].UnableToAchieve, Is.True, "JSON booleans are accepted");
        Assert.That(row.Outcomes[4].UnableToAchieve, Is.True, "and so is \"yes\"");
        Assert.That(result.Problems.Single().Expression, Is.EqualTo("row[2].nhsNumber"));
        Assert.That(result.Problems.Single().Message, Does.Contain("ten digits"));
    }

    [Test]
    public void Json_single_object_and_invalid_json()
    {
        Assert.That(CouncilAssessmentReader.ReadJson(
            """{"councilCode":"LIVCC","assessmentId":"A1","personId":"P1","nhsNumber":"9434765919","assessmentType":"needs","startDate":"2024-02-01","status":"accepted"}""").Rows,
            Has.Count.EqualTo(1));
        var broken = CouncilAssessmentReader.ReadJson("[{\"councilCode\": ");
        Assert.That(broken.Rows, Is.Empty);
        Assert.That(broken.Problems.Single().Expression, Is.EqualTo("file"));
    }

    [Test]
    public void Read_picks_the_format_from_the_content_type_or_the_first_character()
    {
        var json = CouncilFixtures.Read("assessments.json");
        var csv = CouncilFixtures.Read("assessments-good.csv");
        Assert.That(CouncilAssessmentReader.Read(json, "application/json; charset=utf-8").Rows, Has.Count.EqualTo(1));
        Assert.That(CouncilAssessmentReader.Read(csv, "text/csv").Rows, Has.Count.EqualTo(3));
        Assert.That(CouncilAssessmentReader.Read(json, null).Rows, Has.Count.EqualTo(1));
        Assert.That(CouncilAssessmentReader.Read(csv, null).Rows, Has.Count.EqualTo(3));
    }

    [Test]
    public void Repeated_assessment_id_is_a_warning_not_an_error()
    {
        const string header = "councilCode,assessmentId,personId,nhsNumber,assessmentType,startDate,status\n";
        var result = CouncilAssessmentReader.ReadCsv(header + "LIVCC,A1,P1,9434765919,needs,2024-02-01,accepted\nLIVCC,A1,P1,9434765919,needs,2024-02-01,in-progress\n");
        Assert.That(result.Rows, Has.Count.EqualTo(2));
        Assert.That(result.Problems.Single().Severity, Is.EqualTo(OperationOutcome.IssueSeverity.Warning));
        Assert.That(result.Problems.Single().Expression, Is.EqualTo("row[2].assessmentId"));
    }
}
