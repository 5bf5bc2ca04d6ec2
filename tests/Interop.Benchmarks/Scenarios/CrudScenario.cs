using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// Health Samurai's CRUD iteration, 36 requests: create nine linked resources (a Patient, a
/// Practitioner and seven clinical resources about the patient), read each, update each, delete
/// each (clinical resources first). As a hospital clinician with <c>user/*.cruds</c>. The table has
/// a row per verb; "durable creates" are the create row.
/// </summary>
public static class CrudScenario
{
    /// <summary>One resource of the iteration: its type and its JSON given the ids created so far and its own id (null on create).</summary>
    private sealed record Step(string Type, Func<Ids, string?, string> Json);

    private sealed class Ids
    {
        public string Patient = "";
        public string Practitioner = "";
        public string Encounter = "";
    }

    // An update names the id and changes the content (its language), so that it stores a new version:
    // the gateway answers a PUT of unchanged content without writing one (an idempotent replay).
    private static string IdPart(string? id) => id is null ? "" : $"\"id\":\"{id}\",\"language\":\"en-GB\",";

    private static readonly Step[] Steps =
    [
        new("Patient", (_, id) => $$$"""{"resourceType":"Patient",{{{IdPart(id)}}}"name":[{"family":"Benchmark","given":["Crud"]}],"gender":"unknown","birthDate":"1980-01-01"}"""),
        new("Practitioner", (_, id) => $$$"""{"resourceType":"Practitioner",{{{IdPart(id)}}}"name":[{"family":"Doctor","given":["Bench"]}]}"""),
        new("Encounter", (x, id) => $$$"""{"resourceType":"Encounter",{{{IdPart(id)}}}"status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/{{{x.Patient}}}"},"participant":[{"individual":{"reference":"Practitioner/{{{x.Practitioner}}}"}}],"period":{"start":"2025-06-01T09:00:00Z","end":"2025-06-01T09:15:00Z"}}"""),
        new("Condition", (x, id) => $$$"""{"resourceType":"Condition",{{{IdPart(id)}}}"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003","display":"Hypertensive disorder"}]},"subject":{"reference":"Patient/{{{x.Patient}}}"},"encounter":{"reference":"Encounter/{{{x.Encounter}}}"}}"""),
        new("Observation", (x, id) => $$$"""{"resourceType":"Observation",{{{IdPart(id)}}}"status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},"subject":{"reference":"Patient/{{{x.Patient}}}"},"encounter":{"reference":"Encounter/{{{x.Encounter}}}"},"effectiveDateTime":"2025-06-01T09:05:00Z","valueQuantity":{"value":72,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}}"""),
        new("Procedure", (x, id) => $$$"""{"resourceType":"Procedure",{{{IdPart(id)}}}"status":"completed","code":{"coding":[{"system":"http://snomed.info/sct","code":"182836005","display":"Review of medication"}]},"subject":{"reference":"Patient/{{{x.Patient}}}"},"encounter":{"reference":"Encounter/{{{x.Encounter}}}"}}"""),
        new("MedicationRequest", (x, id) => $$$"""{"resourceType":"MedicationRequest",{{{IdPart(id)}}}"status":"active","intent":"order","medicationCodeableConcept":{"text":"Amlodipine 5mg tablets"},"subject":{"reference":"Patient/{{{x.Patient}}}"},"requester":{"reference":"Practitioner/{{{x.Practitioner}}}"}}"""),
        new("AllergyIntolerance", (x, id) => $$$"""{"resourceType":"AllergyIntolerance",{{{IdPart(id)}}}"code":{"coding":[{"system":"http://snomed.info/sct","code":"409137002","display":"No known drug allergy"}]},"patient":{"reference":"Patient/{{{x.Patient}}}"}}"""),
        new("Immunization", (x, id) => $$$"""{"resourceType":"Immunization",{{{IdPart(id)}}}"status":"completed","vaccineCode":{"coding":[{"system":"http://snomed.info/sct","code":"1181000221105","display":"Influenza vaccine"}]},"patient":{"reference":"Patient/{{{x.Patient}}}"},"occurrenceDateTime":"2025-06-01"}"""),
    ];

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct)
    {
        var connections = session.Options.Connections;
        using var client = session.Client(session.Tokens.Clinician("user/*.cruds"), connections);
        var m = await LoadRunner.RunAsync(connections, session.Warmup, session.Duration,
            (worker, token) => IterationAsync(client, worker, token), ct);
        var iterations = m.ByLabel.TryGetValue("delete", out var deletes) ? deletes.TotalCount / Steps.Length : 0;
        return ResultRows.From("crud", session.Provider, session.Consent, m, note: $"{iterations:N0} full iterations of {Steps.Length * 4} requests");
    }

    private static async Task IterationAsync(HttpClient client, WorkerRecorder worker, CancellationToken ct)
    {
        var ids = new Ids();
        var created = new string?[Steps.Length];
        for (var i = 0; i < Steps.Length; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"fhir/{Steps[i].Type}") { Content = Json(Steps[i].Json(ids, null)) };
            request.Headers.Add("Prefer", "return=representation");
            using var response = await worker.SendAsync(client, request, "create", ct);
            if (response is not { IsSuccessStatusCode: true }) return; // later steps need this id
            created[i] = await IdOf(response, ct);
            if (created[i] is null) { worker.Failure("create-without-id"); return; }
            switch (Steps[i].Type)
            {
                case "Patient": ids.Patient = created[i]!; break;
                case "Practitioner": ids.Practitioner = created[i]!; break;
                case "Encounter": ids.Encounter = created[i]!; break;
            }
        }
        for (var i = 0; i < Steps.Length; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/{Steps[i].Type}/{created[i]}");
            using var response = await worker.SendAsync(client, request, "read", ct);
        }
        for (var i = 0; i < Steps.Length; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"fhir/{Steps[i].Type}/{created[i]}") { Content = Json(Steps[i].Json(ids, created[i])) };
            using var response = await worker.SendAsync(client, request, "update", ct);
        }
        for (var i = Steps.Length - 1; i >= 0; i--)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, $"fhir/{Steps[i].Type}/{created[i]}");
            using var response = await worker.SendAsync(client, request, "delete", ct);
        }
    }

    private static StringContent Json(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        return content;
    }

    /// <summary>The new id: from the Location header (Type/id/_history/n), else from the body.</summary>
    private static async Task<string?> IdOf(HttpResponseMessage response, CancellationToken ct)
    {
        var location = response.Headers.Location?.OriginalString;
        if (location is not null)
        {
            var parts = location.Split('/');
            var history = Array.IndexOf(parts, "_history");
            if (history >= 1) return parts[history - 1];
        }
        var body = await response.Content.ReadAsStringAsync(ct);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
    }
}
