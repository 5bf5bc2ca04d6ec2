using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Core.Validation;
using NUnit.Framework;

namespace Interop.Tests.Validation;

/// <summary>The implementation guide's own examples: the valid ones pass, each invalid one fails the way its sidecar says.</summary>
[TestFixture]
public class FhirProfilesExampleTests
{
    private static readonly ProfileValidator Validator = new();
    private static string ExamplesDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "fhir-profiles", "examples");

    private static IEnumerable<TestCaseData> ValidExamples() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fhir-profiles", "examples"), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetName($"Valid example {Path.GetFileName(f)}"));

    private static IEnumerable<TestCaseData> InvalidExamples() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fhir-profiles", "examples", "invalid"), "*.json")
            .Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetName($"Invalid example {Path.GetFileName(f)}"));

    [Test]
    public void ThereIsAValidExampleForEveryProfile()
    {
        var claimed = Directory.GetFiles(ExamplesDirectory, "*.json")
            .Select(f => new FhirJsonDeserializer().DeserializeResource(File.ReadAllText(f)))
            .SelectMany(r => r.Meta?.Profile ?? [])
            .ToHashSet();
        Assert.That(Validator.KnownProfiles, Is.SubsetOf(claimed));
    }

    [TestCaseSource(nameof(ValidExamples))]
    public void ValidExampleHasNoErrors(string file)
    {
        var outcome = Validator.ValidateJson(File.ReadAllText(Path.Combine(ExamplesDirectory, file)));

        Assert.That(Describe(outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)),
            Is.Empty);
    }

    [TestCaseSource(nameof(InvalidExamples))]
    public void InvalidExampleFailsWithItsExpectedIssue(string file)
    {
        var directory = Path.Combine(ExamplesDirectory, "invalid");
        var sidecar = Path.Combine(directory, Path.GetFileNameWithoutExtension(file) + ".expected.json");
        Assert.That(File.Exists(sidecar), Is.True, $"{file} needs a sidecar {Path.GetFileName(sidecar)} naming its issue.");
        using var expectedDocument = JsonDocument.Parse(File.ReadAllText(sidecar));
        var expected = expectedDocument.RootElement.GetProperty("expectedIssue");

        var outcome = Validator.ValidateJson(File.ReadAllText(Path.Combine(directory, file)));

        var match = outcome.Issue.Where(i =>
            i.Severity?.ToString().Equals(expected.GetProperty("severity").GetString(), StringComparison.OrdinalIgnoreCase) == true
            && Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code) == expected.GetProperty("code").GetString()
            && i.Expression.Contains(expected.GetProperty("expression").GetString())
            && ValidationIssues.DetailCode(i) == expected.GetProperty("detailCode").GetString()
            && i.Diagnostics?.Contains(expected.GetProperty("diagnosticsContains").GetString()!, StringComparison.Ordinal) == true);
        Assert.That(match, Is.Not.Empty, "Issues were:\n" + string.Join("\n", Describe(outcome.Issue)));
    }

    private static List<string> Describe(IEnumerable<OperationOutcome.IssueComponent> issues) =>
        issues.Select(i => $"{i.Severity} {i.Code} {string.Join(",", i.Expression)} [{i.Diagnostics}] {i.Details?.Text}").ToList();
}
