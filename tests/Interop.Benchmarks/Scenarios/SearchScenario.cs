using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// The search families of Health Samurai's FHIR server benchmark, with values from the loaded data,
/// <c>_count=20</c>, as a hospital clinician. Each request picks a family at random; the table has
/// a row for all of them and one per family. A 400 (parameter not supported yet) is an error.
/// </summary>
public static class SearchScenario
{
    private static readonly string[] Prefixes = ["eq", "lt", "gt", "ge", "le"];

    /// <summary>A family: its label and how to build one query from the loaded data.</summary>
    private sealed record Family(string Label, Func<LoadedData, Random, string?> Query);

    private static readonly Family[] Families =
    [
        new("patient-family", (d, r) => Pick(d.FamilyNames, r) is { } f ? $"Patient?family={Uri.EscapeDataString(f)}" : null),
        new("patient-name", (d, r) => Pick(d.FamilyNames, r) is { } f ? $"Patient?name={Uri.EscapeDataString(f)}" : null),
        new("patient-name-contains", (d, r) => Pick(d.FamilyNames, r) is { Length: >= 4 } f ? $"Patient?name:contains={Uri.EscapeDataString(f[1..4])}" : null),
        new("patient-address", (d, r) => Pick(d.Postcodes, r) is { } p ? $"Patient?address={Uri.EscapeDataString(p)}" : null),
        new("patient-birthdate", (d, r) => Pick(d.BirthDates, r) is { } b ? $"Patient?birthdate={Prefix(r)}{b}" : null),
        new("observation-date", (d, r) => Pick(d.ObservationDates, r) is { } o ? $"Observation?date={Prefix(r)}{o}" : null),
        new("encounter-date", (d, r) => Pick(d.EncounterDates, r) is { } e ? $"Encounter?date={Prefix(r)}{e}" : null),
        new("observation-category", (_, _) => "Observation?category=laboratory"),
        new("observation-no-match", (_, _) => "Observation?category=no-such-category"),
    ];

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct)
    {
        var connections = session.Options.Connections;
        using var client = session.Client(session.Tokens.Clinician("user/*.rs"), connections);
        var m = await LoadRunner.RunAsync(connections, session.Warmup, session.Duration, async (worker, token) =>
        {
            var family = Families[worker.Random.Next(Families.Length)];
            var query = family.Query(session.Data, worker.Random);
            if (query is null) return;
            using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/{query}&_count=20");
            using var response = await worker.SendAsync(client, request, family.Label, token);
        }, ct);
        return ResultRows.From("search", session.Provider, session.Consent, m);
    }

    private static string? Pick(List<string> values, Random random) => values.Count == 0 ? null : values[random.Next(values.Count)];

    private static string Prefix(Random random) => Prefixes[random.Next(Prefixes.Length)];
}
