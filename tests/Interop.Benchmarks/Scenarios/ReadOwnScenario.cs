using System.Net.Http.Headers;
using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// A patient app: <c>GET /fhir/Patient/{id}</c> (<c>read-own</c>) or <c>GET /fhir/Observation?_count=20</c>
/// (<c>search-own</c>) by the patient themselves, each with their own patient token. Every such request
/// is confined to the patient's compartment, which also holds an AuditEvent of every access to the
/// record, so with few patients the compartments grow during the run.
/// </summary>
public static class ReadOwnScenario
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct, bool search = false)
    {
        var name = search ? "search-own" : "read-own";
        if (session.Data.PatientIds.Count == 0)
            return [ScenarioResult.NotAvailable(name, session.Provider, session.Consent, "no patients were loaded")];
        var connections = session.Options.Connections;
        var tokens = session.Data.PatientIds.ToDictionary(id => id, id => new AuthenticationHeaderValue("Bearer", session.Tokens.Patient(id)));
        using var client = session.Client(session.Tokens.Clinician("user/*.rs"), connections);
        var m = await LoadRunner.RunAsync(connections, session.Warmup, session.Duration, async (worker, token) =>
        {
            var patient = session.Data.PickPatient(worker.Random);
            using var request = new HttpRequestMessage(HttpMethod.Get, search ? "fhir/Observation?_count=20" : $"fhir/Patient/{patient}");
            request.Headers.Authorization = tokens[patient];
            using var response = await worker.SendAsync(client, request, null, token);
        }, ct);
        return ResultRows.From(name, session.Provider, session.Consent, m);
    }
}
