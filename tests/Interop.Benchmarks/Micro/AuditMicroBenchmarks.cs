using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Core.Fhir;
using Interop.Core.Search;

namespace Interop.Benchmarks.Micro;

/// <summary>
/// What storing an AuditEvent costs besides the database: its search index rows and its stored
/// JSON. Every answered request writes a full event and one patient view per patient concerned.
/// </summary>
[MemoryDiagnoser]
public class AuditMicroBenchmarks
{
    private SearchIndexer _indexer = null!;
    private AuditEvent _full = null!;
    private AuditEvent _patientView = null!;
    private readonly BaseFhirJsonSerializer _serializer = new(ModelInfo.ModelInspector);

    [GlobalSetup]
    public void Setup()
    {
        _indexer = new SearchIndexer(new SearchParameterRegistry());
        _full = AuditMicroBenchmarkData.FullEvent();
        _patientView = AuditMicroBenchmarkData.PatientView();
        // Warm the per-type plan so the benchmark measures extraction, not compilation.
        _indexer.Extract(_full);
    }

    [Benchmark(Description = "SearchIndexer.Extract(AuditEvent, full)")]
    public int ExtractFullAuditEvent() => _indexer.Extract(_full).Count;

    [Benchmark(Description = "SearchIndexer.Extract(AuditEvent, patient view)")]
    public int ExtractPatientViewAuditEvent() => _indexer.Extract(_patientView).Count;

    [Benchmark(Description = "FhirSerialization.ToJson(AuditEvent, full)")]
    public int StoredJsonOfFullAuditEvent() => FhirSerialization.ToJson(_full).Length;

    /// <summary>The same bytes the way ToJson made them before it reused a buffer, measured in the same run for comparison.</summary>
    [Benchmark(Description = "same through a MemoryStream and ToArray (previous ToJson)")]
    public int StoredJsonOfFullAuditEventThroughMemoryStream()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            _serializer.Serialize(_full, writer);
        return Encoding.UTF8.GetString(buffer.ToArray()).Length;
    }
}
