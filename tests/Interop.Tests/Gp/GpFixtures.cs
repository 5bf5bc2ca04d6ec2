using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Adapters.Gp;
using NUnit.Framework;

namespace Interop.Tests.Gp;

/// <summary>Loads the GP extract fixtures (Fixtures/gp) and serializes FHIR for comparisons.</summary>
internal static class GpFixtures
{
    public static readonly JsonSerializerOptions FhirJson = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static string Text(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "gp", name));

    public static GpExtract Extract(string name)
    {
        var read = GpExtractReader.Read(Text(name));
        Assert.That(read.Problems.Where(p => p.IsError), Is.Empty, $"fixture {name} should read cleanly");
        return read.Extract!;
    }

    public static Bundle Map(string name)
    {
        var result = GpExtractMapper.Map(Extract(name));
        Assert.That(result.Transaction, Is.Not.Null, string.Join("; ", result.Problems));
        return result.Transaction!;
    }

    public static string ToJson(Resource resource) => JsonSerializer.Serialize(resource, resource.GetType(), FhirJson);
}
