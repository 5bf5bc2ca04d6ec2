using System.Diagnostics.Metrics;
using System.Net;
using Hl7.Fhir.Model;
using Interop.Core.Telemetry;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Hosting;

/// <summary>Per-organisation rate limiting, the shutdown timeout and telemetry start-up.</summary>
[TestFixture]
public sealed class HostingBehaviourTests
{
    private TestDatabase _database = null!;

    [SetUp]
    public async Task CreateDatabaseAsync() => _database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);

    [TearDown]
    public async Task DropDatabaseAsync() => await _database.DisposeAsync();

    private GatewayFactory Gateway(params (string Key, string Value)[] settings) =>
        new(_database, settings.ToDictionary(s => s.Key, s => (string?)s.Value));

    /// <summary>
    /// Sends GET <paramref name="url"/> until a 429 comes back (at most <paramref name="limit"/> times).
    /// Any other answer counts as let through: the test organisations are not registered, so past the
    /// limiter they are refused with 403, which is still a request the limiter allowed.
    /// </summary>
    private static async Task<(int Allowed, HttpResponseMessage? Refused)> UntilRefusedAsync(HttpClient client, string url, int limit = 60)
    {
        for (var i = 0; i < limit; i++)
        {
            var response = await client.SendAsync(HttpMethod.Get, url);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return (i, response);
            Assert.That((int)response.StatusCode, Is.LessThan(500), $"request {i + 1} to {url}");
        }
        return (limit, null);
    }

    private static HttpClient WithToken(GatewayFactory factory, string org)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create(org, "clinician", "user/*.rs"));
        return client;
    }

    [Test]
    public async Task Over_the_limit_is_429_with_retry_after_and_an_operation_outcome()
    {
        await using var factory = Gateway(("RateLimiting:PermitsPerSecond", "1"), ("RateLimiting:Burst", "3"));
        using var client = WithToken(factory, "RLA01");
        var codes = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == InteropMetrics.MeterName && instrument.Name == "interop.http.client_errors") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "error.code") lock (codes) codes.Add(tag.Value as string);
        });
        listener.Start();

        var (allowed, refused) = await UntilRefusedAsync(client, "/fhir/metadata");

        Assert.That(refused, Is.Not.Null, "no request was refused");
        Assert.That(allowed, Is.GreaterThanOrEqualTo(3), "the burst is allowed");
        Assert.That(refused!.Headers.RetryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        var outcome = await refused.ReadAsync<OperationOutcome>();
        Assert.That(outcome.DetailCodes(), Is.EqualTo(new[] { "TOO_MANY_REQUESTS" }));
        Assert.That(outcome.Issue[0].Code, Is.EqualTo(OperationOutcome.IssueType.Throttled));
        lock (codes) Assert.That(codes, Does.Contain("TOO_MANY_REQUESTS"), "the 429 is counted in interop.http.client_errors");
    }

    [Test]
    public async Task Each_organisation_has_its_own_bucket()
    {
        await using var factory = Gateway(("RateLimiting:PermitsPerSecond", "1"), ("RateLimiting:Burst", "2"));
        using var busy = WithToken(factory, "RLB01");
        using var quiet = WithToken(factory, "RLB02");

        var (_, refused) = await UntilRefusedAsync(busy, "/fhir/metadata");
        Assert.That(refused, Is.Not.Null);

        Assert.That((await quiet.SendAsync(HttpMethod.Get, "/fhir/metadata")).StatusCode, Is.Not.EqualTo(HttpStatusCode.TooManyRequests), "another organisation is not throttled");
    }

    [Test]
    public async Task Anonymous_callers_are_limited_by_address_but_probes_never()
    {
        await using var factory = Gateway(("RateLimiting:PermitsPerSecond", "1"), ("RateLimiting:Burst", "2"));
        using var anonymous = factory.CreateClient();
        var (_, refused) = await UntilRefusedAsync(anonymous, "/fhir/metadata");
        Assert.That(refused, Is.Not.Null);
        for (var i = 0; i < 10; i++)
        {
            Assert.That((await anonymous.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "liveness probes are not rate limited");
            Assert.That((await anonymous.GetAsync("/readyz")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "readiness probes are not rate limited");
        }
        using var withToken = WithToken(factory, "RLC01");
        Assert.That((await withToken.SendAsync(HttpMethod.Get, "/fhir/metadata")).StatusCode, Is.Not.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task Zero_permits_switches_rate_limiting_off()
    {
        await using var factory = Gateway(("RateLimiting:PermitsPerSecond", "0"));
        using var client = WithToken(factory, "RLD01");
        var (allowed, refused) = await UntilRefusedAsync(client, "/fhir/metadata", limit: 40);
        Assert.That(refused, Is.Null);
        Assert.That(allowed, Is.EqualTo(40));
    }

    [Test]
    public async Task Shutdown_timeout_comes_from_configuration()
    {
        await using var factory = Gateway(("Hosting:ShutdownTimeoutSeconds", "7"));
        using var client = factory.CreateClient();
        var host = factory.Services.GetRequiredService<IOptions<HostOptions>>().Value;
        Assert.That(host.ShutdownTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
    }

    [Test]
    public async Task The_gateway_starts_with_an_otlp_endpoint_configured()
    {
        // Nothing listens there: export failures must not affect requests.
        await using var factory = Gateway(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"));
        using var client = factory.CreateClient();
        Assert.That((await client.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(factory.Services.GetService<OpenTelemetry.Trace.TracerProvider>(), Is.Not.Null);
    }
}
