using Interop.Benchmarks.Harness;

namespace Interop.Benchmarks.Reporting;

/// <summary>Turns a <see cref="Measurement"/> into table rows: one for the scenario, one per label.</summary>
public static class ResultRows
{
    public static List<ScenarioResult> From(string scenario, string provider, string consent, Measurement m,
        string? unitName = null, string note = "", bool perLabel = true)
    {
        var rows = new List<ScenarioResult>
        {
            new(scenario, provider, consent, m.Requests, m.Elapsed, m.Latency, m.Errors, Join(note, ErrorSummary(m.ErrorKinds)),
                unitName is null ? null : m.Units / m.Elapsed.TotalSeconds, unitName),
        };
        if (perLabel && m.ByLabel.Count > 1)
        {
            foreach (var (label, histogram) in m.ByLabel)
                rows.Add(new ScenarioResult($"{scenario}:{label}", provider, consent, histogram.TotalCount, m.Elapsed, histogram,
                    m.ErrorsByLabel.GetValueOrDefault(label)));
        }
        return rows;
    }

    private static string ErrorSummary(IReadOnlyDictionary<string, long> kinds) =>
        kinds.Count == 0 ? "" : "errors: " + string.Join(", ", kinds.Select(k => $"{k.Key} x{k.Value:N0}"));

    private static string Join(string a, string b) => string.Join("; ", new[] { a, b }.Where(s => s.Length > 0));
}
