using System.Text;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Core.Fhir;
using NUnit.Framework;

namespace Interop.Tests.Api;

/// <summary>
/// A JSON Bundle response is written as UTF-8 bytes (<see cref="BundleDocument.RenderJsonUtf8(bool)"/>);
/// it must be the very text <see cref="BundleDocument.Render"/> gives, with stored entries spliced in
/// unchanged, non-ASCII text included.
/// </summary>
[TestFixture]
public sealed class BundleDocumentRenderingTests
{
    private static BundleDocument Document()
    {
        var document = new BundleDocument { Type = Bundle.BundleType.Searchset, Total = 2 };
        document.Links.Add(("self", "https://example.org/fhir/Patient?name=Zoë"));
        var patient = new Patient { Id = "p1", Name = [new HumanName { Family = "Ní Bhriain", Given = ["Zoë", "Łukasz"] }] };
        document.Entries.Add(new BundleEntry { FullUrl = "https://example.org/fhir/Patient/p1", Json = FhirSerialization.ToJson(patient), RowId = 1, SearchMode = Bundle.SearchEntryMode.Match });
        var note = new Observation { Id = "o1", Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "Mood 😀 \"quoted\" <b>" } };
        document.Entries.Add(new BundleEntry { FullUrl = "https://example.org/fhir/Observation/o1", Json = FhirSerialization.ToJson(note), RowId = 2, SearchMode = Bundle.SearchEntryMode.Match });
        document.Entries.Add(new BundleEntry { FullUrl = "urn:uuid:0f0e2c5e-8a55-4b55-9d0e-2a3d1f3b8c11", Resource = new OperationOutcome { Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.Suppressed, Diagnostics = "withheld – some" }] }, SearchMode = Bundle.SearchEntryMode.Outcome });
        return document;
    }

    [TestCase(false, 16)]
    [TestCase(true, 16)]
    [TestCase(false, 1 << 20)]
    public void Rendering_into_a_pooled_buffer_gives_the_same_bytes_however_often_it_grows(bool pretty, int initialCapacity)
    {
        // Responses render into a PooledBufferWriter (rented arrays, returned after the write); a
        // buffer far too small to start with must grow without losing or reordering bytes.
        var document = Document();
        using var pooled = new PooledBufferWriter(initialCapacity);
        document.RenderJsonUtf8(pretty, pooled);
        Assert.That(pooled.WrittenMemory.ToArray(), Is.EqualTo(document.RenderJsonUtf8(pretty).ToArray()));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Utf8_rendering_is_the_text_rendering_encoded(bool pretty)
    {
        var document = Document();
        var text = document.Render(FhirFormat.Json, pretty, null);
        var bytes = document.RenderJsonUtf8(pretty).ToArray();
        Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo(text));
        Assert.That(bytes, Is.EqualTo(Encoding.UTF8.GetBytes(text)));
    }

    [Test]
    public void Stored_entries_come_out_unchanged()
    {
        var document = Document();
        var bundle = JsonNode.Parse(document.RenderJsonUtf8(false).Span)!;
        var entries = bundle["entry"]!.AsArray();
        Assert.That(entries, Has.Count.EqualTo(3));
        for (var i = 0; i < 2; i++)
            Assert.That(entries[i]!["resource"]!.ToJsonString(), Is.EqualTo(JsonNode.Parse(document.Entries[i].Json!)!.ToJsonString()));
        Assert.That(FhirSerialization.ParseStored(entries[1]!["resource"]!.ToJsonString()) is Observation { Code.Text: "Mood 😀 \"quoted\" <b>" }, Is.True);
    }
}
