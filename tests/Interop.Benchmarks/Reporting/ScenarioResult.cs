using HdrHistogram;

namespace Interop.Benchmarks.Reporting;

/// <summary>One row of the results table.</summary>
public sealed record ScenarioResult(
    string Scenario,
    string Provider,
    string Consent,
    long Requests,
    TimeSpan Elapsed,
    HistogramBase? Latency,
    long Errors,
    string Note = "",
    double? UnitsPerSecond = null,
    string? UnitName = null)
{
    public double RequestsPerSecond => Elapsed.TotalSeconds > 0 ? Requests / Elapsed.TotalSeconds : 0;

    /// <summary>Latency at a percentile in milliseconds (the histogram holds microseconds).</summary>
    public double? Millis(double percentile) =>
        Latency is null || Latency.TotalCount == 0 ? null : Latency.GetValueAtPercentile(percentile) / 1000.0;

    public double? MaxMillis => Latency is null || Latency.TotalCount == 0 ? null : Latency.GetMaxValue() / 1000.0;

    /// <summary>A row for a scenario that could not run, with the reason.</summary>
    public static ScenarioResult NotAvailable(string scenario, string provider, string consent, string reason) =>
        new(scenario, provider, consent, 0, TimeSpan.Zero, null, 0, reason);
}
