using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// The Benchmarks issue's "exact-family Patient search returning 10 of 1,000":
/// <c>Patient?family:exact=NAME&amp;_count=20</c> for a family name of the loaded patients, as a hospital
/// clinician. The generator draws family names from 80, so 800-1,000 patients give 10-12 matches a
/// name; the note says how many the loaded data gave on average.
/// </summary>
public static class ExactSearchScenario
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct)
    {
        var families = session.Data.FamilyNames.GroupBy(f => f, StringComparer.Ordinal).Select(g => (Name: g.Key, Count: g.Count())).ToList();
        if (families.Count == 0)
            return [ScenarioResult.NotAvailable("search-exact", session.Provider, session.Consent, "no patients were loaded")];
        var connections = session.Options.Connections;
        using var client = session.Client(session.Tokens.Clinician("user/*.rs"), connections);
        var m = await LoadRunner.RunAsync(connections, session.Warmup, session.Duration, async (worker, token) =>
        {
            var family = families[worker.Random.Next(families.Count)].Name;
            using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/Patient?family:exact={Uri.EscapeDataString(family)}&_count=20");
            using var response = await worker.SendAsync(client, request, null, token);
        }, ct);
        var mean = families.Average(f => f.Count);
        return ResultRows.From("search-exact", session.Provider, session.Consent, m,
            note: $"{families.Count} family names, {mean:F1} of {session.Data.PatientIds.Count:N0} patients each on average");
    }
}
