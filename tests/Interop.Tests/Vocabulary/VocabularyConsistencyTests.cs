using System.Reflection;
using System.Text.Json;
using Interop.Core.Consent;
using Interop.Core.Fhir;
using NUnit.Framework;

namespace Interop.Tests.Vocabulary;

/// <summary>The codes the code uses are the codes fhir-profiles publishes, so partners and the consent engine agree.</summary>
[TestFixture]
public sealed class VocabularyConsistencyTests
{
    private static HashSet<string> CodesOf(string codeSystemFile)
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "fhir-profiles", "CodeSystem"))) dir = dir.Parent;
        Assert.That(dir, Is.Not.Null, "fhir-profiles/ not found above the test directory");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir!.FullName, "fhir-profiles", "CodeSystem", codeSystemFile)));
        return doc.RootElement.GetProperty("concept").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToHashSet();
    }

    [Test]
    public void Every_error_code_the_gateway_answers_is_in_the_error_code_system()
    {
        var published = CodesOf("CodeSystem-error.json");
        var used = typeof(FhirErrorCode).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);
        Assert.That(published, Is.SupersetOf(used));
    }

    [Test]
    public void Local_sensitive_classes_are_the_published_ones()
    {
        Assert.That(CodesOf("CodeSystem-sensitive-class.json"), Is.EquivalentTo(SensitiveClasses.LocalCodes));
    }
}
