using System.Net.Http.Headers;
using System.Text;
using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// The Benchmarks issue's "durable creates": <c>POST /fhir/Observation</c> (a heart rate about a
/// loaded patient) as a hospital clinician with <c>user/*.cruds</c>, nothing else. Every 201 is
/// committed to the database before it is sent; the Observation is indexed and audited like any write.
/// </summary>
public static class CreateScenario
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct)
    {
        if (session.Data.PatientIds.Count == 0)
            return [ScenarioResult.NotAvailable("create", session.Provider, session.Consent, "no patients were loaded")];
        var connections = session.Options.Connections;
        using var client = session.Client(session.Tokens.Clinician("user/*.cruds"), connections);
        var m = await LoadRunner.RunAsync(connections, session.Warmup, session.Duration, async (worker, token) =>
        {
            var patient = session.Data.PickPatient(worker.Random);
            var value = 50 + worker.Random.Next(60);
            var json = $$$"""{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},"subject":{"reference":"Patient/{{{patient}}}"},"effectiveDateTime":"2026-11-23T09:05:00Z","valueQuantity":{"value":{{{value}}},"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}}""";
            using var request = new HttpRequestMessage(HttpMethod.Post, "fhir/Observation")
            {
                Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json")),
            };
            using var response = await worker.SendAsync(client, request, null, token);
        }, ct);
        return ResultRows.From("create", session.Provider, session.Consent, m);
    }
}
