using Interop.Adapters.Gp;
using NUnit.Framework;

namespace Interop.Tests.Gp;

[TestFixture]
public class GpExtractReaderTests
{
    [Test]
    public void FullExtractReadsWithoutProblems()
    {
        var read = GpExtractReader.Read(GpFixtures.Text("full-extract.json"));

        Assert.That(read.Problems, Is.Empty);
        Assert.That(read.IsValid, Is.True);
        var extract = read.Extract!;
        Assert.That(extract.Practice!.OdsCode, Is.EqualTo("N82054"));
        Assert.That(extract.Patient!.SharingFlags[0]!.Snomed, Is.EqualTo("416409005"));
        Assert.That(extract.Medications[0]!.Issues[0]!.Quantity, Is.EqualTo("1 inhaler"));
        Assert.That(extract.Observations[0]!.Value, Is.EqualTo(7.8m));
        Assert.That(extract.Consultations[0]!.Items, Is.EqualTo(new[] { "o-1" }));
    }

    [Test]
    public void MalformedJsonIsOneProblemAndNoExtract()
    {
        var read = GpExtractReader.Read(GpFixtures.Text("malformed.json"));

        Assert.That(read.Extract, Is.Null);
        Assert.That(read.IsValid, Is.False);
        Assert.That(read.Problems, Has.Count.EqualTo(1));
        Assert.That(read.Problems[0].Kind, Is.EqualTo(GpExtractProblemKind.MalformedJson));
    }

    [Test]
    public void WrongJsonTypeNamesItsPath()
    {
        var json = GpFixtures.Text("full-extract.json").Replace("\"value\":7.8", "\"value\":\"seven\"");

        var read = GpExtractReader.Read(json);

        Assert.That(read.Problems.Single().Kind, Is.EqualTo(GpExtractProblemKind.MalformedJson));
        Assert.That(read.Problems.Single().Path, Is.EqualTo("$.observations[0].value"));
    }

    [Test]
    public void JsonNullIsAProblem()
    {
        var read = GpExtractReader.Read("null");

        Assert.That(read.Problems.Single().Kind, Is.EqualTo(GpExtractProblemKind.MalformedJson));
    }

    [Test]
    public void EveryContentProblemIsCollectedWithItsPath()
    {
        const string json = """
        {"practice":{"system":"EMIS Web"},
         "patient":{"nhsNumber":"9434765918","nhsNumberStatus":"09","dob":"1961-02-30","sex":"X",
          "usualGp":{"name":"Dr No Code"},
          "sharingFlags":[{"snomed":"12345","recorded":"May 2023"}]},
         "problems":[{"guid":"p-1","snomed":"195967001","status":"Current","significance":"Huge","onset":"1998-13"},
                     {"guid":"p-1","snomed":"44054006","status":"Active","recorded":"2010-01-12T10:00:00"}],
         "allergies":[{"guid":"a-1","severity":"Extreme","agent":{}}],
         "medications":[{"guid":"m-1","dmd":"39113611000001102","type":"Sometimes","linkedProblem":"p-404","issues":[{"quantity":"1"}]}],
         "observations":[{"snomed":"997681000000108","linkedProblem":"p-9","effective":"yesterday"}],
         "consultations":[{"guid":"c-1","items":["a-1","x-9","c-1"]}]}
        """;

        var read = GpExtractReader.Read(json);

        var found = read.Problems.Select(p => (p.Path, p.Kind)).ToList();
        var expected = new (string, GpExtractProblemKind)[]
        {
            ("$.practice.odsCode", GpExtractProblemKind.MissingField),
            ("$.patient.nhsNumber", GpExtractProblemKind.InvalidNhsNumber),
            ("$.patient.nhsNumberStatus", GpExtractProblemKind.UnknownValue),
            ("$.patient.dob", GpExtractProblemKind.InvalidDate),
            ("$.patient.sex", GpExtractProblemKind.UnknownValue),
            ("$.patient.usualGp.gmpCode", GpExtractProblemKind.MissingField),
            ("$.patient.sharingFlags[0].snomed", GpExtractProblemKind.UnknownValue),
            ("$.patient.sharingFlags[0].recorded", GpExtractProblemKind.InvalidDate),
            ("$.problems[0].status", GpExtractProblemKind.UnknownValue),
            ("$.problems[0].significance", GpExtractProblemKind.UnknownValue),
            ("$.problems[0].onset", GpExtractProblemKind.InvalidDate),
            ("$.problems[1].guid", GpExtractProblemKind.DuplicateGuid),
            ("$.problems[1].recorded", GpExtractProblemKind.InvalidDate),
            ("$.allergies[0].snomed", GpExtractProblemKind.MissingField),
            ("$.allergies[0].agent.snomed", GpExtractProblemKind.MissingField),
            ("$.allergies[0].severity", GpExtractProblemKind.UnknownValue),
            ("$.medications[0].type", GpExtractProblemKind.UnknownValue),
            ("$.medications[0].issues[0].date", GpExtractProblemKind.MissingField),
            ("$.medications[0].linkedProblem", GpExtractProblemKind.UnknownReference),
            ("$.observations[0].guid", GpExtractProblemKind.MissingField),
            ("$.observations[0].effective", GpExtractProblemKind.InvalidDate),
            ("$.observations[0].linkedProblem", GpExtractProblemKind.UnknownReference),
            ("$.consultations[0].date", GpExtractProblemKind.MissingField),
            ("$.consultations[0].items[1]", GpExtractProblemKind.UnknownReference),
            ("$.consultations[0].items[2]", GpExtractProblemKind.UnknownReference),
        };
        Assert.That(found, Is.EquivalentTo(expected), string.Join("\n", read.Problems));
        Assert.That(read.Problems.All(p => p.IsError), Is.True);
        Assert.That(read.IsValid, Is.False);
        Assert.That(read.Extract, Is.Not.Null, "content problems still return what was read");
    }

    [Test]
    public void MissingPracticeAndPatientAreReported()
    {
        var read = GpExtractReader.Read("{}");

        Assert.That(read.Problems.Select(p => p.Path), Is.EquivalentTo(new[] { "$.practice", "$.patient" }));
        Assert.That(read.Problems.All(p => p.Kind == GpExtractProblemKind.MissingField), Is.True);
    }

    [Test]
    public void MissingNhsNumberIsAMissingField()
    {
        var json = GpFixtures.Text("full-extract.json").Replace("\"nhsNumber\":\"9434765919\",", "");

        var read = GpExtractReader.Read(json);

        Assert.That(read.Problems.Single(), Is.EqualTo(new GpExtractProblem("$.patient.nhsNumber", GpExtractProblemKind.MissingField, "nhsNumber is required.")));
    }

    [Test]
    public void UnverifiedNhsNumberAndUnknownSensitivityAreWarningsOnly()
    {
        var json = GpFixtures.Text("full-extract.json")
            .Replace("\"nhsNumberStatus\":\"01\"", "\"nhsNumberStatus\":\"02\"")
            .Replace("\"sensitivity\":null", "\"sensitivity\":\"astrology\"");

        var read = GpExtractReader.Read(json);

        Assert.That(read.IsValid, Is.True);
        Assert.That(read.Problems.Select(p => (p.Path, p.Kind, p.Severity)), Is.EquivalentTo(new[]
        {
            ("$.patient.nhsNumberStatus", GpExtractProblemKind.UnverifiedNhsNumber, GpExtractProblemSeverity.Warning),
            ("$.observations[0].sensitivity", GpExtractProblemKind.UnknownValue, GpExtractProblemSeverity.Warning),
        }));
    }

    [TestCase("1998")]
    [TestCase("1998-04")]
    [TestCase("1998-04-30")]
    [TestCase("2010-01-12T10:00:00Z")]
    [TestCase("2010-01-12T10:00:00.123+01:00")]
    public void PartialDatesAndDateTimesWithOffsetAreAccepted(string onset)
    {
        var json = GpFixtures.Text("full-extract.json").Replace("\"onset\":\"1998-04\"", $"\"onset\":\"{onset}\"");

        Assert.That(GpExtractReader.Read(json).Problems, Is.Empty);
    }

    [TestCase("1998-4")]
    [TestCase("1998-02-30")]
    [TestCase("12/04/1998")]
    [TestCase("2010-01-12T10:00:00")]
    [TestCase("2010-01-12T25:00:00Z")]
    public void BadDatesAreRejected(string onset)
    {
        var json = GpFixtures.Text("full-extract.json").Replace("\"onset\":\"1998-04\"", $"\"onset\":\"{onset}\"");

        var problem = GpExtractReader.Read(json).Problems.Single();

        Assert.That(problem.Path, Is.EqualTo("$.problems[0].onset"));
        Assert.That(problem.Kind, Is.EqualTo(GpExtractProblemKind.InvalidDate));
    }

    [Test]
    public async Task ReadsFromAStream()
    {
        await using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(GpFixtures.Text("full-extract.json")));

        var read = await GpExtractReader.ReadAsync(stream);

        Assert.That(read.IsValid, Is.True);
    }
}
