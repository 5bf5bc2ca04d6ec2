using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;

namespace Interop.Benchmarks.Scenarios;

/// <summary><c>GET /fhir/Patient/{id}</c> over the loaded patients, as a hospital clinician.</summary>
public static class ReadScenario
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct)
    {
        if (session.Data.PatientIds.Count == 0)
            return [ScenarioResult.NotAvailable("read", session.Provider, session.Consent, "no patients were loaded")];
        var connections = session.Options.Connections;
        using var client = session.Client(session.Tokens.Clinician("user/*.rs"), connections);
        var m = await LoadRunner.RunAsync(connections, session.Warmup, session.Duration, async (worker, token) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/Patient/{session.Data.PickPatient(worker.Random)}");
            using var response = await worker.SendAsync(client, request, null, token);
        }, ct);
        return ResultRows.From("read", session.Provider, session.Consent, m);
    }
}
