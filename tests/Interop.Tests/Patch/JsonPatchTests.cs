using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Core.Fhir;
using Interop.Core.Patch;
using NUnit.Framework;

namespace Interop.Tests.Patch;

[TestFixture]
public class JsonPatchTests
{
    private const string PatientJson = """
        {
          "resourceType": "Patient",
          "id": "pat-1",
          "identifier": [
            { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919" },
            { "system": "https://interop.example/Id/local", "value": "L-17" }
          ],
          "name": [ { "family": "Smith", "given": [ "Jane", "Ann" ] } ],
          "gender": "female",
          "birthDate": "1970-01-01",
          "a/b": "slash",
          "m~n": "tilde"
        }
        """;

    private static JsonObject Patch(string patch) => (JsonObject)JsonNode.Parse(JsonPatch.Apply(PatientJson, patch))!;

    private static FhirException Fails(string patch) => Assert.Throws<FhirException>(() => JsonPatch.Apply(PatientJson, patch))!;

    private static string AllDiagnostics(FhirException e) => string.Join(" | ", e.Outcome.Issue.Select(i => i.Diagnostics));

    [Test]
    public void AddSetsAMemberAndInsertsOrAppendsInArrays()
    {
        var result = Patch("""
            [
              { "op": "add", "path": "/active", "value": true },
              { "op": "add", "path": "/name/0/given/0", "value": "Mary" },
              { "op": "add", "path": "/name/0/given/-", "value": "Last" },
              { "op": "add", "path": "/telecom", "value": [ { "system": "phone", "value": "0113 000 0000" } ] }
            ]
            """);

        Assert.That(result["active"]!.GetValue<bool>(), Is.True);
        Assert.That(result["name"]![0]!["given"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EqualTo(new[] { "Mary", "Jane", "Ann", "Last" }));
        Assert.That(result["telecom"]![0]!["value"]!.GetValue<string>(), Is.EqualTo("0113 000 0000"));
    }

    [Test]
    public void AddToAnExistingMemberReplacesIt()
    {
        var result = Patch("""[ { "op": "add", "path": "/gender", "value": "male" } ]""");

        Assert.That(result["gender"]!.GetValue<string>(), Is.EqualTo("male"));
    }

    [Test]
    public void RemoveDeletesAMemberAndAnArrayItem()
    {
        var result = Patch("""
            [
              { "op": "remove", "path": "/birthDate" },
              { "op": "remove", "path": "/identifier/0" }
            ]
            """);

        Assert.That(result.ContainsKey("birthDate"), Is.False);
        Assert.That(result["identifier"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(result["identifier"]![0]!["value"]!.GetValue<string>(), Is.EqualTo("L-17"));
    }

    [Test]
    public void ReplaceChangesAnExistingValue()
    {
        var result = Patch("""
            [
              { "op": "replace", "path": "/birthDate", "value": "1971-02-03" },
              { "op": "replace", "path": "/name/0/given/1", "value": "Anne" }
            ]
            """);

        Assert.That(result["birthDate"]!.GetValue<string>(), Is.EqualTo("1971-02-03"));
        Assert.That(result["name"]![0]!["given"]![1]!.GetValue<string>(), Is.EqualTo("Anne"));
    }

    [Test]
    public void MoveTakesTheValueAwayFromItsSource()
    {
        var result = Patch("""
            [
              { "op": "move", "from": "/identifier/1", "path": "/identifier/0" },
              { "op": "move", "from": "/birthDate", "path": "/extensionDate" }
            ]
            """);

        Assert.That(result["identifier"]![0]!["value"]!.GetValue<string>(), Is.EqualTo("L-17"));
        Assert.That(result["identifier"]![1]!["value"]!.GetValue<string>(), Is.EqualTo("9434765919"));
        Assert.That(result.ContainsKey("birthDate"), Is.False);
        Assert.That(result["extensionDate"]!.GetValue<string>(), Is.EqualTo("1970-01-01"));
    }

    [Test]
    public void CopyLeavesTheSourceAndMakesAnIndependentCopy()
    {
        var result = Patch("""
            [
              { "op": "copy", "from": "/name/0", "path": "/name/-" },
              { "op": "replace", "path": "/name/1/family", "value": "Jones" }
            ]
            """);

        Assert.That(result["name"]![0]!["family"]!.GetValue<string>(), Is.EqualTo("Smith"));
        Assert.That(result["name"]![1]!["family"]!.GetValue<string>(), Is.EqualTo("Jones"));
    }

    [Test]
    public void PassingTestLetsThePatchApply()
    {
        var result = Patch("""
            [
              { "op": "test", "path": "/gender", "value": "female" },
              { "op": "test", "path": "/name/0", "value": { "given": [ "Jane", "Ann" ], "family": "Smith" } },
              { "op": "replace", "path": "/gender", "value": "other" }
            ]
            """);

        Assert.That(result["gender"]!.GetValue<string>(), Is.EqualTo("other"));
    }

    [Test]
    public void TestComparesNumbersByValue()
    {
        var json = """{ "resourceType": "Observation", "id": "o", "valueQuantity": { "value": 1.50 } }""";

        var result = JsonPatch.Apply(json, """[ { "op": "test", "path": "/valueQuantity/value", "value": 1.5 } ]""");

        Assert.That(result, Does.Contain("1.50"), "the number is written back as it was stored");
    }

    [Test]
    public void FailedTestFailsTheWholePatchWith422NamingTheOperation()
    {
        var e = Fails("""
            [
              { "op": "replace", "path": "/gender", "value": "male" },
              { "op": "test", "path": "/birthDate", "value": "1999-12-31" }
            ]
            """);

        Assert.That(e.StatusCode, Is.EqualTo(422));
        Assert.That(e.Outcome.Issue, Has.Count.EqualTo(1));
        Assert.That(e.Outcome.Issue[0].Diagnostics, Does.Contain("operation 1 (test /birthDate)").And.Contain("1999-12-31"));
        Assert.That(e.Outcome.Issue[0].Details?.Coding[0].Code, Is.EqualTo(FhirErrorCode.InvalidRequest));
    }

    [TestCase("""[ { "op": "remove", "path": "/telecom" } ]""", "does not exist")]
    [TestCase("""[ { "op": "replace", "path": "/name/5/family", "value": "X" } ]""", "does not exist")]
    [TestCase("""[ { "op": "remove", "path": "/identifier/2" } ]""", "index 2 does not exist")]
    [TestCase("""[ { "op": "add", "path": "/identifier/3", "value": {} } ]""", "past the end")]
    [TestCase("""[ { "op": "add", "path": "/identifier/01", "value": {} } ]""", "not an array index")]
    [TestCase("""[ { "op": "replace", "path": "/identifier/-", "value": {} } ]""", "holds no value")]
    [TestCase("""[ { "op": "add", "path": "/missing/child", "value": 1 } ]""", "does not exist")]
    [TestCase("""[ { "op": "copy", "from": "/nothing", "path": "/x" } ]""", "does not exist")]
    [TestCase("""[ { "op": "move", "from": "/name/0", "path": "/name/0/given/0" } ]""", "ancestor")]
    [TestCase("""[ { "op": "remove", "path": "" } ]""", "whole resource")]
    public void PathThatCannotBeAppliedIs422(string patch, string expected)
    {
        var e = Fails(patch);

        Assert.That(e.StatusCode, Is.EqualTo(422));
        Assert.That(AllDiagnostics(e), Does.Contain("operation 0").And.Contain(expected));
    }

    [Test]
    public void PointerEscapesAreDecoded()
    {
        var result = Patch("""
            [
              { "op": "replace", "path": "/a~1b", "value": "still a slash" },
              { "op": "remove", "path": "/m~0n" }
            ]
            """);

        Assert.That(result["a/b"]!.GetValue<string>(), Is.EqualTo("still a slash"));
        Assert.That(result.ContainsKey("m~n"), Is.False);
    }

    [TestCase("""[ { "op": "replace", "path": "/resourceType", "value": "Practitioner" } ]""", "resourceType")]
    [TestCase("""[ { "op": "replace", "path": "/id", "value": "other" } ]""", "'id'")]
    [TestCase("""[ { "op": "remove", "path": "/id" } ]""", "'id'")]
    [TestCase("""[ { "op": "replace", "path": "", "value": { "resourceType": "Patient", "id": "stolen" } } ]""", "'id'")]
    public void ChangingResourceTypeOrIdIs422(string patch, string member)
    {
        var e = Fails(patch);

        Assert.That(e.StatusCode, Is.EqualTo(422));
        Assert.That(AllDiagnostics(e), Does.Contain(member));
    }

    [Test]
    public void IdMayBeTouchedIfItEndsUnchanged()
    {
        var result = Patch("""
            [
              { "op": "replace", "path": "/id", "value": "temporary" },
              { "op": "replace", "path": "/id", "value": "pat-1" }
            ]
            """);

        Assert.That(result["id"]!.GetValue<string>(), Is.EqualTo("pat-1"));
    }

    [TestCase("not json")]
    [TestCase("""{ "op": "remove", "path": "/gender" }""")]
    [TestCase("""[ 42 ]""")]
    [TestCase("""[ { "path": "/gender" } ]""")]
    [TestCase("""[ { "op": "delete", "path": "/gender" } ]""")]
    [TestCase("""[ { "op": "remove" } ]""")]
    [TestCase("""[ { "op": "remove", "path": "gender" } ]""")]
    [TestCase("""[ { "op": "remove", "path": "/a~2b" } ]""")]
    [TestCase("""[ { "op": "add", "path": "/active" } ]""")]
    [TestCase("""[ { "op": "copy", "path": "/active" } ]""")]
    [TestCase("""[ { "op": 7, "path": "/active" } ]""")]
    [TestCase("""[ { "op": "remove", "op": "add", "path": "/active", "value": 1 } ]""")]
    public void MalformedPatchDocumentIs400(string patch)
    {
        var e = Fails(patch);

        Assert.That(e.StatusCode, Is.EqualTo(400));
        Assert.That(e.Outcome.Issue[0].Details?.Coding[0].Code, Is.EqualTo(FhirErrorCode.InvalidRequest));
    }

    [Test]
    public void EveryMalformedOperationIsReported()
    {
        var e = Fails("""
            [
              { "op": "remove", "path": "/gender" },
              { "op": "launch", "path": "/x" },
              { "op": "replace", "path": "/birthDate" }
            ]
            """);

        Assert.That(e.StatusCode, Is.EqualTo(400));
        Assert.That(e.Outcome.Issue.Select(i => i.Diagnostics), Has.Some.StartsWith("operation 1").And.Some.StartsWith("operation 2"));
    }

    [Test]
    public void EmptyPatchReturnsTheResourceUnchanged()
    {
        var result = Patch("[]");

        Assert.That(JsonNode.DeepEquals(result, JsonNode.Parse(PatientJson)), Is.True);
    }

    [Test]
    public void NullIsALegalValue()
    {
        var result = Patch("""[ { "op": "add", "path": "/extra", "value": null }, { "op": "test", "path": "/extra", "value": null } ]""");

        Assert.That(result.ContainsKey("extra"), Is.True);
    }

    [Test]
    public void NonAsciiTextIsNotEscaped()
    {
        var result = JsonPatch.Apply(PatientJson, """[ { "op": "replace", "path": "/name/0/family", "value": "Ó Briain" } ]""");

        Assert.That(result, Does.Contain("Ó Briain"));
    }

    [Test]
    public void RepeatedCopyIsStoppedBeforeItExhaustsMemory()
    {
        var ops = Enumerable.Range(0, 40).Select(_ => """{ "op": "copy", "from": "/name", "path": "/name/-" }""");

        var e = Fails("[" + string.Join(",", ops) + "]");

        Assert.That(e.StatusCode, Is.EqualTo(413));
    }

    [Test]
    public void ResultIsStillAFhirResource()
    {
        var json = JsonPatch.Apply("""{ "resourceType": "Patient", "id": "pat-2", "active": true }""",
            """[ { "op": "replace", "path": "/active", "value": false }, { "op": "add", "path": "/gender", "value": "unknown" } ]""");

        var patient = new FhirJsonDeserializer().Deserialize<Patient>(json);

        Assert.That(patient.Active, Is.False);
        Assert.That(patient.Gender, Is.EqualTo(AdministrativeGender.Unknown));
        Assert.That(patient.Id, Is.EqualTo("pat-2"));
    }
}
