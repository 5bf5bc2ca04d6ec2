using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Interop.Core.Synthetic;

namespace Interop.Benchmarks.Harness;

/// <summary>
/// Loads the synthetic organisations (which registers the hospital trust whose clinician reads) and
/// patient transaction bundles through <c>POST /fhir</c> with the operator's token.
/// </summary>
public static class DataLoader
{
    private const int LoadWorkers = 4;
    private const int ErrorsKept = 5;

    public static async Task<LoadedData> LoadAsync(HttpClient operatorClient, BenchmarkOptions options, CancellationToken ct)
    {
        var data = new LoadedData();
        var generator = Generator(options);
        var clock = Stopwatch.StartNew();
        var (orgOk, orgError) = await PostTransactionAsync(operatorClient, SyntheticDataGenerator.ToJson(generator.Organizations()), ct);
        if (!orgOk) throw new InvalidOperationException($"Loading the organisations failed: {orgError}");

        var gate = new object();
        await Parallel.ForEachAsync(generator.Patients(options.Patients),
            new ParallelOptions { MaxDegreeOfParallelism = LoadWorkers, CancellationToken = ct },
            async (bundle, token) =>
            {
                var json = SyntheticDataGenerator.ToJson(bundle);
                var (ok, responseOrError) = await PostTransactionAsync(operatorClient, json, token);
                lock (gate)
                {
                    data.Bundles++;
                    if (!ok)
                    {
                        data.FailedBundles++;
                        if (data.LoadErrors.Count < ErrorsKept) data.LoadErrors.Add(responseOrError);
                        return;
                    }
                    data.Resources += bundle.Entry.Count;
                    Collect(bundle, responseOrError, data);
                }
            });
        data.LoadTime = clock.Elapsed;
        return data;
    }

    public static SyntheticDataGenerator Generator(BenchmarkOptions options) =>
        new(options.Seed, new SyntheticDataOptions { ResourcesPerPatient = options.ResourcesPerPatient });

    /// <summary>POSTs a transaction; on success returns the response body, else the status and the start of the body.</summary>
    public static async Task<(bool Ok, string BodyOrError)> PostTransactionAsync(HttpClient client, string json, CancellationToken ct)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        using var response = await client.PostAsync("fhir", content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode ? (true, body) : (false, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 600)]}");
    }

    /// <summary>Patient ids from the transaction-response locations; search values from the bundle sent.</summary>
    private static void Collect(Bundle sent, string responseJson, LoadedData data)
    {
        using var doc = JsonDocument.Parse(responseJson);
        if (doc.RootElement.TryGetProperty("entry", out var entries))
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (!entry.TryGetProperty("response", out var response) || !response.TryGetProperty("location", out var location)) continue;
                var parts = (location.GetString() ?? "").Split('/');
                if (parts.Length >= 2 && parts[0] == "Patient") data.PatientIds.Add(parts[1]);
            }
        }
        foreach (var resource in sent.Entry.Select(e => e.Resource))
        {
            switch (resource)
            {
                case Patient p:
                    if (p.Name.FirstOrDefault()?.Family is { } family) data.FamilyNames.Add(family);
                    if (p.Address.FirstOrDefault()?.PostalCode is { } postcode) data.Postcodes.Add(postcode.Split(' ')[0]);
                    if (p.BirthDate is { } birth) data.BirthDates.Add(birth);
                    break;
                case Observation o when data.ObservationDates.Count < 5000 && o.Effective is FhirDateTime { Value: { } effective }:
                    data.ObservationDates.Add(effective[..Math.Min(10, effective.Length)]);
                    break;
                case Encounter e when data.EncounterDates.Count < 5000 && e.Period?.Start is { } start:
                    data.EncounterDates.Add(start[..Math.Min(10, start.Length)]);
                    break;
            }
        }
    }
}
