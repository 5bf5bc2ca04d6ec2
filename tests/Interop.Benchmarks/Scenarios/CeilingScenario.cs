using System.Net;
using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;
using Interop.Core.Synthetic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// The most any ASP.NET Core server can do on this machine with this client: a plain minimal
/// endpoint on 127.0.0.1, in this process, answering every <c>GET /fhir/Patient/{id}</c> with the
/// same Patient JSON. No auth, no database. Every other scenario is compared with it.
/// </summary>
public static class CeilingScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var patient = DataLoader.Generator(options).Patient(0).Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Patient>().First();
        var body = System.Text.Encoding.UTF8.GetBytes(Interop.Core.Fhir.FhirSerialization.ToJson(patient));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapGet("/fhir/Patient/{id}", (HttpContext http) =>
        {
            http.Response.ContentType = "application/fhir+json";
            http.Response.ContentLength = body.Length;
            return http.Response.Body.WriteAsync(body).AsTask();
        });
        await app.StartAsync(ct);
        try
        {
            var address = new Uri(app.Urls.First() + "/");
            using var client = BenchSession.CreateClient(address, token: null, options.Connections);
            var measurement = await LoadRunner.RunAsync(options.Connections, TimeSpan.FromSeconds(options.WarmupSeconds),
                TimeSpan.FromSeconds(options.DurationSeconds), async (worker, token) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/Patient/p{worker.Random.Next(1000)}");
                    using var response = await worker.SendAsync(client, request, null, token);
                }, ct);
            return ResultRows.From("ceiling", "-", "-", measurement)[0];
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }
}
