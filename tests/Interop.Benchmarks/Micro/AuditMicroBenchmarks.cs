using BenchmarkDotNet.Attributes;
using Hl7.Fhir.Model;
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
}
