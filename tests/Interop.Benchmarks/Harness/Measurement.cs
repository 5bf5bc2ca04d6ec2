using HdrHistogram;

namespace Interop.Benchmarks.Harness;

/// <summary>What the workers measured, added together.</summary>
public sealed class Measurement
{
    public required LongHistogram Latency { get; init; }
    public required IReadOnlyDictionary<string, LongHistogram> ByLabel { get; init; }
    public required long Errors { get; init; }
    public required IReadOnlyDictionary<string, long> ErrorKinds { get; init; }
    public required IReadOnlyDictionary<string, long> ErrorsByLabel { get; init; }
    public required long Units { get; init; }
    public required TimeSpan Elapsed { get; init; }

    public long Requests => Latency.TotalCount;

    public static Measurement Combine(IEnumerable<WorkerRecorder> recorders, TimeSpan elapsed)
    {
        var all = LoadRunner.NewHistogram();
        var byLabel = new SortedDictionary<string, LongHistogram>(StringComparer.Ordinal);
        var kinds = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var errorsByLabel = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long errors = 0, units = 0;
        foreach (var r in recorders)
        {
            all.Add(r.Latency);
            foreach (var (label, h) in r.ByLabel)
            {
                if (!byLabel.TryGetValue(label, out var sum)) byLabel[label] = sum = LoadRunner.NewHistogram();
                sum.Add(h);
            }
            foreach (var (kind, n) in r.ErrorKinds) kinds[kind] = kinds.GetValueOrDefault(kind) + n;
            foreach (var (label, n) in r.ErrorsByLabel) errorsByLabel[label] = errorsByLabel.GetValueOrDefault(label) + n;
            errors += r.Errors;
            units += r.Units;
        }
        return new Measurement
        {
            Latency = all, ByLabel = byLabel, Errors = errors, ErrorKinds = kinds, ErrorsByLabel = errorsByLabel,
            Units = units, Elapsed = elapsed,
        };
    }
}
