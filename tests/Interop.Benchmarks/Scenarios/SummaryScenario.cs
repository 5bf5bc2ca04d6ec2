using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// <c>GET /fhir/Patient/{id}/$summary</c> (the International Patient Summary document) as a hospital
/// clinician (<c>summary</c>) or as the hospital EHR's integration with a system token (<c>summary-system</c>).
/// </summary>
public static class SummaryScenario
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct, bool system = false)
    {
        var name = system ? "summary-system" : "summary";
        if (session.Data.PatientIds.Count == 0)
            return [ScenarioResult.NotAvailable(name, session.Provider, session.Consent, "no patients were loaded")];
        var connections = session.Options.Connections;
        using var client = session.Client(system ? session.Tokens.HospitalSystem("system/*.rs") : session.Tokens.Clinician("user/*.rs"), connections);
        var m = await LoadRunner.RunAsync(connections, session.Warmup, session.Duration, async (worker, token) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/Patient/{session.Data.PickPatient(worker.Random)}/$summary");
            using var response = await worker.SendAsync(client, request, null, token);
        }, ct);
        var note = m.Errors == m.Requests && m.Requests > 0 ? "every request failed: $summary not built yet?" : "";
        return ResultRows.From(name, session.Provider, session.Consent, m, note: note);
    }
}
