using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Hosting;

/// <summary>
/// A gateway process told to stop (SIGTERM, as Kubernetes does on a rollout) while it is busy:
/// requests already in flight still get their answer, and every answer it sent has its
/// AuditEvent in the database afterwards - the audit writer's last group commit is not lost.
/// </summary>
// SQLite only, so it runs everywhere: the drain order (server first, then the audit writer's last
// commit) does not depend on the provider, and the PostgreSQL replicas are covered by ScaleOutTests.
[TestFixture(StorageProvider.Sqlite)]
[NonParallelizable]
public sealed class GracefulShutdownTests(StorageProvider provider)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Sigterm_while_requests_are_in_flight_loses_no_audit_row()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("SIGTERM exists on Linux and macOS only.");
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var gateway = await GatewayProcess.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Storage__Provider"] = provider.ToString(),
            ["Storage__ConnectionString"] = database.ConnectionString,
            ["Storage__MigrateOnStartup"] = "true",
            ["Auth__Issuer"] = TestTokens.Issuer,
            ["Auth__Audience"] = TestTokens.Audience,
            ["Auth__SigningKey"] = TestTokens.SigningKey,
            ["RateLimiting__PermitsPerSecond"] = "0",
            ["Hosting__ShutdownTimeoutSeconds"] = "20",
            ["Logging__LogLevel__Default"] = "Warning",
        }, ReadyTimeout);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Administrator());
        var created = await client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Draining")));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await created.ReadAsync<Patient>()).Id;
        for (var i = 0; i < 3; i++) await client.SendAsync(HttpMethod.Get, $"/fhir/Patient?_id={id}"); // warm up: the first answers are slow
        var clock = System.Diagnostics.Stopwatch.StartNew();

        const int workers = 16;
        var signalled = 0;
        var answered = new ConcurrentBag<string>();
        var unexpected = new ConcurrentBag<string>();
        var answeredAcrossTheSignal = 0;
        var load = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            // Reads until the gateway stops taking connections; reads and searches are audited like writes.
            for (var i = 0; !gateway.HasExited; i++)
            {
                var (traceId, traceParent) = AuditTrail.NewTrace();
                var sentBeforeTheSignal = Volatile.Read(ref signalled) == 0;
                HttpResponseMessage response;
                try
                {
                    var url = (worker + i) % 2 == 0 ? $"/fhir/Patient/{id}" : $"/fhir/Patient?_id={id}";
                    response = await client.SendAsync(HttpMethod.Get, url, configure: r => r.Headers.Add("traceparent", traceParent));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && Volatile.Read(ref signalled) == 1)
                {
                    return; // refused or cut off after the signal: no answer, so nothing is owed an audit row
                }
                if (response.IsSuccessStatusCode)
                {
                    answered.Add(traceId);
                    if (sentBeforeTheSignal && Volatile.Read(ref signalled) == 1) Interlocked.Increment(ref answeredAcrossTheSignal);
                }
                else
                {
                    // Draining means finishing what was accepted: an error answer (say 500 because the audit
                    // writer stopped before the server had drained) is a failed request, before or after the signal.
                    unexpected.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1)); // the load is running: requests are in flight at any moment
        Volatile.Write(ref signalled, 1);
        gateway.SendTerminateSignal();
        TestContext.Out.WriteLine($"signalled at {clock.Elapsed}");
        var exitCode = await gateway.WaitForExitAsync(ExitTimeout);
        TestContext.Out.WriteLine($"exited at {clock.Elapsed}");
        await Task.WhenAll(load).WaitAsync(ExitTimeout);

        Assert.That(exitCode, Is.EqualTo(0), $"a clean exit after draining:{Environment.NewLine}{gateway.RecentOutput}");
        Assert.That(unexpected, Is.Empty);
        TestContext.Out.WriteLine($"{answered.Count} requests answered, {answeredAcrossTheSignal} of them sent before SIGTERM and answered after it");
        Assert.That(answeredAcrossTheSignal, Is.GreaterThan(0), "requests in flight at the signal were still answered (the test exercised the drain)");
        var audited = await AuditTrail.CountByRequestIdAsync(database);
        var missing = answered.Where(t => !audited.ContainsKey(t)).ToList();
        Assert.That(missing, Is.Empty, $"every answered request has its AuditEvent ({missing.Count} of {answered.Count} missing)");
    }
}
