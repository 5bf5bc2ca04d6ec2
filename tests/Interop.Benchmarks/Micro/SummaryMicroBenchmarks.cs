using BenchmarkDotNet.Attributes;
using Interop.Core.Summary;

namespace Interop.Benchmarks.Micro;

/// <summary>
/// What `$summary` does with each item of a record besides copying it into the document: reads the few
/// elements its narrative shows from the stored JSON (<see cref="SummaryItemReader.FromJson"/>), here
/// for every resource of a generated record of about a hundred.
/// </summary>
[MemoryDiagnoser]
public class SummaryMicroBenchmarks
{
    private IReadOnlyList<(string Type, string Json)> _record = [];

    [GlobalSetup]
    public void Setup() => _record = MicroBenchmarkData.RecordJson;

    [Benchmark(Description = "SummaryItemReader.FromJson (a record of ~100 resources)")]
    public int ReadRecord()
    {
        var described = 0;
        foreach (var (type, json) in _record) described += SummaryItemReader.FromJson(type, "urn:x", json).Description.Length;
        return described;
    }
}
