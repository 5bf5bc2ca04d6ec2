using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Core.Fhir;
using Interop.Core.Synthetic;
using Interop.Tests.Search;
using NUnit.Framework;

namespace Interop.Tests.Fhir;

/// <summary>
/// <see cref="FhirSerialization.ToJson"/> writes into a reused buffer; the text must be exactly what
/// the SDK's serializer writes through a fresh <see cref="Utf8JsonWriter"/> over a stream (the form
/// stored since the first release), for stored resources, AuditEvents, pretty and filtered output,
/// after a very large resource and from several threads at once.
/// </summary>
[TestFixture]
public sealed class FhirSerializationTests
{
    private static readonly BaseFhirJsonSerializer Serializer = new(ModelInfo.ModelInspector);

    // The stored form as first written: a new writer over a MemoryStream, copied out and decoded.
    private static string Reference(Base value, bool pretty = false, Func<SerializationFilter>? filter = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = pretty, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Serializer.Serialize(value, writer, filter);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static List<Resource> Resources()
    {
        var generator = new SyntheticDataGenerator(11);
        var resources = generator.Patients(3).Prepend(generator.Organizations()).SelectMany(b => b.Entry).Select(e => e.Resource).ToList();
        resources.AddRange(SimplePathExpressionTests.GatewayAuditEvents());
        // Characters the relaxed encoder leaves alone or must still escape.
        resources.Add(new Patient { Id = "esc", Name = [new HumanName { Family = "O'Brien <\"Ünïcode\"> \\ \u0001 ✓ 𝄞", Given = ["Zoë"] }] });
        return resources;
    }

    [Test]
    public void Compact_json_is_byte_for_byte_the_stored_form()
    {
        var differing = Resources().Where(r => FhirSerialization.ToJson(r) != Reference(r)).Select(r => $"{r.TypeName}/{r.Id}").ToList();

        Assert.That(differing, Is.Empty);
    }

    [Test]
    public void Pretty_and_filtered_json_are_unchanged()
    {
        var resources = Resources().Take(40).ToList();
        var differing = new List<string>();
        foreach (var r in resources)
        {
            if (FhirSerialization.ToJson(r, pretty: true) != Reference(r, pretty: true)) differing.Add($"pretty {r.TypeName}/{r.Id}");
            if (FhirSerialization.ToJson(r, false, () => SerializationFilter.ForSummary()) != Reference(r, false, () => SerializationFilter.ForSummary()))
                differing.Add($"summary {r.TypeName}/{r.Id}");
            // Compact after pretty on the same thread: the writers must not share state.
            if (FhirSerialization.ToJson(r) != Reference(r)) differing.Add($"compact {r.TypeName}/{r.Id}");
        }

        Assert.That(differing, Is.Empty);
    }

    [Test]
    public void A_very_large_resource_and_the_next_small_one_are_unchanged()
    {
        var generator = new SyntheticDataGenerator(12, new SyntheticDataOptions { ResourcesPerPatient = 400 });
        var large = generator.Patient(0);
        var small = new Patient { Id = "small", Active = true };

        var largeJson = FhirSerialization.ToJson(large);

        Assert.That(Encoding.UTF8.GetByteCount(largeJson), Is.GreaterThan(256 * 1024), "the bundle must outgrow the kept buffer");
        Assert.That(largeJson, Is.EqualTo(Reference(large)));
        Assert.That(FhirSerialization.ToJson(small), Is.EqualTo(Reference(small)));
    }

    [Test]
    public void Threads_serialising_at_once_each_get_their_own_text()
    {
        var resources = Resources();
        var expected = resources.Select(r => Reference(r)).ToList();
        var differing = new System.Collections.Concurrent.ConcurrentBag<int>();

        Parallel.For(0, resources.Count * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var index = i % resources.Count;
            if (FhirSerialization.ToJson(resources[index]) != expected[index]) differing.Add(index);
        });

        Assert.That(differing, Is.Empty);
    }
}
