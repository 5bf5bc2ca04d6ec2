using System.Net.Http.Headers;
using System.Text;
using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;
using Interop.Core.Synthetic;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// Transaction bundles of new generated patients POSTed to <c>/fhir</c> by the import workers
/// (default 20) with the operator's token; reports resources/s. Bundles are generated and
/// serialised before the clock starts so the client's work does not count.
/// </summary>
public static class ImportScenario
{
    /// <summary>Bundles are prepared for this many resources per second of the run (more than the target).</summary>
    private const int PreparedResourcesPerSecond = 3000;
    private const int MaxPreparedBundles = 3000;

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct)
    {
        var options = session.Options;
        var generator = DataLoader.Generator(options);
        var seconds = options.WarmupSeconds + options.DurationSeconds;
        var count = Math.Clamp(PreparedResourcesPerSecond * seconds / options.ResourcesPerPatient, options.ImportWorkers, MaxPreparedBundles);
        // Patients after those loaded (and after earlier import runs of this session), so each is new.
        var first = options.Patients + session.ImportedBundles;
        session.ImportedBundles += count;
        var bundles = new (string Json, int Entries)[count];
        Parallel.For(0, count, i =>
        {
            var bundle = generator.Patient(first + i);
            bundles[i] = (SyntheticDataGenerator.ToJson(bundle), bundle.Entry.Count);
        });

        var next = -1;
        var exhausted = false;
        using var client = session.Client(session.Tokens.Operator(), options.ImportWorkers);
        var m = await LoadRunner.RunAsync(options.ImportWorkers, session.Warmup, session.Duration, async (worker, token) =>
        {
            var index = Interlocked.Increment(ref next);
            if (index >= bundles.Length)
            {
                exhausted = true;
                await Task.Delay(100, token);
                return;
            }
            using var content = new StringContent(bundles[index].Json, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "fhir") { Content = content };
            using var response = await worker.SendAsync(client, request, null, token);
            if (response is { IsSuccessStatusCode: true }) worker.AddUnits(bundles[index].Entries);
        }, ct);
        var note = $"{options.ImportWorkers} workers, {bundles.Average(b => b.Entries):0} resources/bundle" +
                   (exhausted ? $"; all {count} prepared bundles were sent before the time was up" : "");
        return ResultRows.From("import", session.Provider, session.Consent, m, unitName: "resources", note: note);
    }
}
