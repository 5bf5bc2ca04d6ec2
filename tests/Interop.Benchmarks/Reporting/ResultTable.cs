using System.Globalization;
using System.Text;

namespace Interop.Benchmarks.Reporting;

/// <summary>Prints results as a Markdown table (readable in a terminal, pastes into docs/benchmarks.md).</summary>
public static class ResultTable
{
    public static string Format(IReadOnlyList<ScenarioResult> results)
    {
        var ceiling = results.FirstOrDefault(r => r.Scenario == "ceiling" && r.Requests > 0)?.RequestsPerSecond;
        var sb = new StringBuilder();
        sb.AppendLine("| scenario | provider | consent | requests | requests/s | vs ceiling | p50 ms | p95 ms | p99 ms | max ms | errors | note |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var ratio = ceiling is > 0 && r.Requests > 0 && r.Scenario != "ceiling" ? $"{r.RequestsPerSecond / ceiling.Value:P1}" : "";
            var note = r.UnitsPerSecond is { } u ? $"{u:N0} {r.UnitName}/s; {r.Note}".TrimEnd(' ', ';') : r.Note;
            sb.Append(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Provider} | {r.Consent} | {r.Requests:N0} | {(r.Requests > 0 ? r.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture) : "")} | {ratio} | ");
            sb.Append(CultureInfo.InvariantCulture, $"{Ms(r.Millis(50))} | {Ms(r.Millis(95))} | {Ms(r.Millis(99))} | {Ms(r.MaxMillis)} | {r.Errors:N0} | {note} |");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>read, search and search-exact with consent on against the same with consent off.</summary>
    public static string ConsentRatios(IReadOnlyList<ScenarioResult> results)
    {
        var sb = new StringBuilder();
        // A scenario whose every request failed (e.g. search before the engine exists) measured error paths, not consent.
        foreach (var on in results.Where(r => r.Consent == "on" && r.Requests > r.Errors))
        {
            var off = results.FirstOrDefault(r => r.Consent == "off" && r.Scenario == on.Scenario && r.Provider == on.Provider && r.Requests > r.Errors);
            if (off is null) continue;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{on.Scenario} ({on.Provider}): consent on {on.RequestsPerSecond:N0}/s, off {off.RequestsPerSecond:N0}/s, on/off = {on.RequestsPerSecond / off.RequestsPerSecond:P1}; p99 on {Ms(on.Millis(99))} ms, off {Ms(off.Millis(99))} ms");
        }
        return sb.ToString();
    }

    private static string Ms(double? value) => value is { } v ? v.ToString(v < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) : "";
}
