using BenchmarkDotNet.Attributes;
using Hl7.Fhir.Model;
using Interop.Adapters.Hl7v2;
using Interop.Core.Consent;
using Interop.Core.Fhir;
using Interop.Core.Search;

namespace Interop.Benchmarks.Micro;

/// <summary>The pure functions on the write and read paths: indexing, JSON round trip, consent rules, HL7 v2 parsing.</summary>
[MemoryDiagnoser]
public class CoreMicroBenchmarks
{
    private SearchIndexer _indexer = null!;
    private Observation _observation = null!;
    private Patient _patient = null!;
    private string _observationJson = "";
    private Hl7.Fhir.Model.Consent _consent = null!;
    private string _adt = "";
    private Hl7v2Parser _parser = null!;

    [GlobalSetup]
    public void Setup()
    {
        _indexer = new SearchIndexer(new SearchParameterRegistry());
        _observation = MicroBenchmarkData.Observation;
        _patient = MicroBenchmarkData.Patient;
        _observation.Id ??= "obs-1";
        _observationJson = FhirSerialization.ToJson(_observation);
        _consent = MicroBenchmarkData.Consent();
        _adt = MicroBenchmarkData.FirstAdtMessage;
        _parser = new Hl7v2Parser();
        // Warm the indexer's per-type plans so the benchmark measures extraction, not compilation.
        _indexer.Extract(_observation);
        _indexer.Extract(_patient);
    }

    [Benchmark(Description = "SearchIndexer.Extract(Observation)")]
    public int ExtractObservation() => _indexer.Extract(_observation).Count;

    [Benchmark(Description = "SearchIndexer.Extract(Patient)")]
    public int ExtractPatient() => _indexer.Extract(_patient).Count;

    [Benchmark(Description = "ParseStored + ToJson (Observation)")]
    public int JsonRoundTrip() => FhirSerialization.ToJson(FhirSerialization.ParseStored(_observationJson)).Length;

    [Benchmark(Description = "ConsentRuleCompiler.Compile")]
    public int CompileConsent() => ConsentRuleCompiler.Compile(_consent, "consent-1", 1).Count;

    [Benchmark(Description = "Hl7v2Parser.Parse(ADT^A01)")]
    public object ParseAdt() => _parser.Parse(_adt);
}
