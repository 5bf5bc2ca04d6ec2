using System.Net.Http.Headers;
using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// <c>GET /fhir/Patient/{id}</c> by the patient themselves, each with their own patient token: a
/// patient app. Every such read is confined to the patient's compartment, which also holds an
/// AuditEvent of every access to the record, so with few patients the compartments grow during the run.
/// </summary>
public static class ReadOwnScenario
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct)
    {
        if (session.Data.PatientIds.Count == 0)
            return [ScenarioResult.NotAvailable("read-own", session.Provider, session.Consent, "no patients were loaded")];
        var connections = session.Options.Connections;
        var tokens = session.Data.PatientIds.ToDictionary(id => id, id => new AuthenticationHeaderValue("Bearer", session.Tokens.Patient(id)));
        using var client = session.Client(session.Tokens.Clinician("user/*.rs"), connections);
        var m = await LoadRunner.RunAsync(connections, session.Warmup, session.Duration, async (worker, token) =>
        {
            var patient = session.Data.PickPatient(worker.Random);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/Patient/{patient}");
            request.Headers.Authorization = tokens[patient];
            using var response = await worker.SendAsync(client, request, null, token);
        }, ct);
        return ResultRows.From("read-own", session.Provider, session.Consent, m);
    }
}
