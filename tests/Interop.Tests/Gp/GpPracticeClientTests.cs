using System.Diagnostics;
using System.Net.Sockets;
using Interop.Adapters.Gp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Interop.Tests.Gp;

[TestFixture]
public class GpPracticeClientTests
{
    private const string Ods = "N82054";
    private const string Nhs = "9434765919";

    /// <summary>The production registration with test-sized timings.</summary>
    private static ServiceProvider Services(string baseUrl, IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Adapters:Gp:Practices:{Ods}:BaseUrl"] = baseUrl,
            ["Adapters:Gp:AttemptTimeout"] = "00:00:00.300",
            ["Adapters:Gp:TotalTimeout"] = "00:00:03",
            ["Adapters:Gp:MaxRetryAttempts"] = "2",
            ["Adapters:Gp:RetryDelay"] = "00:00:00.010",
            ["Adapters:Gp:CircuitBreakerSamplingDuration"] = "00:00:10",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGpAdapter(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static Task Respond(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    }

    [Test]
    public async Task PullsAndParsesTheExtract()
    {
        await using var server = await FakePracticeServer.StartAsync((c, _) => Respond(c, 200, GpFixtures.Text("full-extract.json")));
        await using var services = Services(server.BaseUrl);

        var result = await services.GetRequiredService<GpPracticeClient>().PullExtractAsync(Ods, "943 476 5919");

        Assert.That(result.Succeeded, Is.True, result.Detail);
        Assert.That(result.Extract!.Patient!.NhsNumber, Is.EqualTo(Nhs));
        Assert.That(server.Paths, Is.EqualTo(new[] { $"/gp-api/patients/{Nhs}/extract" }));
    }

    [Test]
    public async Task ServerErrorsAreRetriedUntilThePracticeRecovers()
    {
        await using var server = await FakePracticeServer.StartAsync((c, n) =>
            n <= 2 ? Respond(c, 500, "busy", "text/plain") : Respond(c, 200, GpFixtures.Text("full-extract.json")));
        await using var services = Services(server.BaseUrl);

        var result = await services.GetRequiredService<GpPracticeClient>().PullExtractAsync(Ods, Nhs);

        Assert.That(result.Succeeded, Is.True, result.Detail);
        Assert.That(server.RequestCount, Is.EqualTo(3));
    }

    [Test]
    public async Task HangingPracticeIsATimeoutNotAnException()
    {
        await using var server = await FakePracticeServer.StartAsync(async (c, _) =>
        {
            try { await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted); }
            catch (OperationCanceledException) { }
        });
        await using var services = Services(server.BaseUrl);
        var clock = Stopwatch.StartNew();

        var result = await services.GetRequiredService<GpPracticeClient>().PullExtractAsync(Ods, Nhs);

        Assert.That(result.Failure, Is.EqualTo(GpPullFailure.Timeout), result.Detail);
        Assert.That(result.Extract, Is.Null);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(server.RequestCount, Is.EqualTo(3), "each attempt timed out and was retried");
    }

    [Test]
    public async Task GarbageBodyIsAnInvalidBody()
    {
        await using var server = await FakePracticeServer.StartAsync((c, _) => Respond(c, 200, "<html>Login</html>", "text/html"));
        await using var services = Services(server.BaseUrl);

        var result = await services.GetRequiredService<GpPracticeClient>().PullExtractAsync(Ods, Nhs);

        Assert.That(result.Failure, Is.EqualTo(GpPullFailure.InvalidBody));
        Assert.That(result.Problems.Single().Kind, Is.EqualTo(GpExtractProblemKind.MalformedJson));
        Assert.That(server.RequestCount, Is.EqualTo(1), "a bad body is not retried");
    }

    [Test]
    public async Task AnotherPatientsExtractIsRefused()
    {
        await using var server = await FakePracticeServer.StartAsync((c, _) => Respond(c, 200, GpFixtures.Text("confidential-items.json")));
        await using var services = Services(server.BaseUrl);

        var result = await services.GetRequiredService<GpPracticeClient>().PullExtractAsync(Ods, Nhs);

        Assert.That(result.Failure, Is.EqualTo(GpPullFailure.InvalidBody));
        Assert.That(result.Detail, Does.Contain("another patient"));
    }

    [Test]
    public async Task NotFoundMeansThePracticeDoesNotHoldThePatient()
    {
        await using var server = await FakePracticeServer.StartAsync((c, _) => Respond(c, 404, ""));
        await using var services = Services(server.BaseUrl);

        var result = await services.GetRequiredService<GpPracticeClient>().PullExtractAsync(Ods, Nhs);

        Assert.That(result.Failure, Is.EqualTo(GpPullFailure.PatientNotKnown));
        Assert.That(result.StatusCode, Is.EqualTo(404));
        Assert.That(server.RequestCount, Is.EqualTo(1));
    }

    [Test]
    public async Task PersistentFailureOpensTheCircuit()
    {
        await using var server = await FakePracticeServer.StartAsync((c, _) => Respond(c, 503, "down", "text/plain"));
        await using var services = Services(server.BaseUrl, new Dictionary<string, string?>
        {
            ["Adapters:Gp:CircuitBreakerMinimumThroughput"] = "2",
            ["Adapters:Gp:CircuitBreakerFailureRatio"] = "0.5",
            ["Adapters:Gp:CircuitBreakerBreakDuration"] = "00:00:30",
        });
        var client = services.GetRequiredService<GpPracticeClient>();

        var results = new List<GpPullResult>();
        for (var i = 0; i < 3; i++) results.Add(await client.PullExtractAsync(Ods, Nhs));
        var requestsWhenOpen = server.RequestCount;
        var afterOpen = await client.PullExtractAsync(Ods, Nhs);

        Assert.That(results.Select(r => r.Failure), Does.Contain(GpPullFailure.CircuitOpen));
        Assert.That(results.Select(r => r.Failure), Is.All.AnyOf(GpPullFailure.PartnerError, GpPullFailure.CircuitOpen));
        Assert.That(afterOpen.Failure, Is.EqualTo(GpPullFailure.CircuitOpen));
        Assert.That(server.RequestCount, Is.EqualTo(requestsWhenOpen), "an open circuit does not call the practice");
    }

    [Test]
    public async Task ClosedPortIsUnreachable()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var services = Services($"http://127.0.0.1:{port}");

        var result = await services.GetRequiredService<GpPracticeClient>().PullExtractAsync(Ods, Nhs);

        Assert.That(result.Failure, Is.EqualTo(GpPullFailure.Unreachable), result.Detail);
    }

    [Test]
    public async Task UnconfiguredPracticeAndBadNhsNumberFailWithoutACall()
    {
        await using var server = await FakePracticeServer.StartAsync((c, _) => Respond(c, 200, GpFixtures.Text("full-extract.json")));
        await using var services = Services(server.BaseUrl);
        var client = services.GetRequiredService<GpPracticeClient>();

        Assert.That((await client.PullExtractAsync("Y99999", Nhs)).Failure, Is.EqualTo(GpPullFailure.PracticeNotConfigured));
        Assert.That((await client.PullExtractAsync(Ods, "9434765918")).Failure, Is.EqualTo(GpPullFailure.InvalidNhsNumber));
        Assert.That((await client.PullExtractAsync(Ods.ToLowerInvariant(), Nhs)).Succeeded, Is.True, "ODS codes are case-insensitive keys");
        Assert.That(server.RequestCount, Is.EqualTo(1));
    }

    [Test]
    public void ExtractUriIsDocumentedShape()
    {
        Assert.That(GpPracticeClient.ExtractUri("https://gp.example/api/", Nhs).ToString(),
            Is.EqualTo($"https://gp.example/api/patients/{Nhs}/extract"));
    }
}
