using System.Net;
using System.Net.Sockets;
using Interop.Adapters.Council;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Interop.Tests.Council;

[TestFixture]
public class CouncilNotificationClientTests
{
    private FakeCouncilServer _server = null!;
    private static readonly CouncilDischargeNotification Notification = new("application/json", """{"event":"hospital-discharge"}""");

    [SetUp]
    public async Task StartServer() => _server = await FakeCouncilServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private static ServiceProvider Services(string? notificationUrl, int retries = 2, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Adapters:Council:NotificationUrl"] = notificationUrl,
            ["Adapters:Council:NotificationFormat"] = "Json",
            ["Adapters:Council:Timeout"] = "00:00:05",
            ["Adapters:Council:AttemptTimeout"] = "00:00:01",
            ["Adapters:Council:MaxRetryAttempts"] = retries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Adapters:Council:RetryDelay"] = "00:00:00.020",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddCouncilAdapter(configuration).BuildServiceProvider();
    }

    [Test]
    public async Task Delivered_with_the_idempotency_key_and_content_type()
    {
        await using var services = Services(_server.Url("ok").ToString());
        var client = services.GetRequiredService<CouncilNotificationClient>();

        var result = await client.SendAsync(Notification, "outbox-42");

        Assert.That(result.Outcome, Is.EqualTo(CouncilDeliveryOutcome.Delivered));
        Assert.That(result.StatusCode, Is.EqualTo(202));
        var received = _server.Received.Single();
        Assert.That(received.IdempotencyKey, Is.EqualTo("outbox-42"));
        Assert.That(received.ContentType, Does.StartWith("application/json"));
        Assert.That(received.Body, Is.EqualTo(Notification.Body));
    }

    [Test]
    public async Task Service_unavailable_then_recovers_is_delivered_by_the_retry_with_the_same_key()
    {
        _server.FlakyFailures = 2;
        await using var services = Services(_server.Url("flaky").ToString(), retries: 3);
        var client = services.GetRequiredService<CouncilNotificationClient>();

        var result = await client.SendAsync(Notification, "outbox-7");

        Assert.That(result.Outcome, Is.EqualTo(CouncilDeliveryOutcome.Delivered));
        Assert.That(_server.Received.Select(r => r.IdempotencyKey), Is.EqualTo(new[] { "outbox-7", "outbox-7", "outbox-7" }));
        Assert.That(_server.Received.Select(r => r.Body).Distinct().Single(), Is.EqualTo(Notification.Body), "retries resend the body");
    }

    [Test]
    public async Task Still_unavailable_after_the_retries_is_a_retryable_failure()
    {
        _server.FlakyFailures = 100;
        await using var services = Services(_server.Url("flaky").ToString(), retries: 1);
        var result = await services.GetRequiredService<CouncilNotificationClient>().SendAsync(Notification, "outbox-8");

        Assert.That(result.Outcome, Is.EqualTo(CouncilDeliveryOutcome.RetryableFailure));
        Assert.That(result.StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task Council_down_is_a_retryable_failure_not_an_exception()
    {
        var closedPort = FreePort();
        await using var services = Services($"http://127.0.0.1:{closedPort}/notify", retries: 1);
        var client = services.GetRequiredService<CouncilNotificationClient>();

        var result = await client.SendAsync(Notification, "outbox-9");

        Assert.That(result.Outcome, Is.EqualTo(CouncilDeliveryOutcome.RetryableFailure));
        Assert.That(result.StatusCode, Is.Null);
        Assert.That(result.Detail, Does.Contain("HttpRequestException"));
    }

    [Test]
    public async Task Bad_request_is_a_permanent_failure_and_is_not_retried()
    {
        await using var services = Services(_server.Url("bad").ToString());
        var result = await services.GetRequiredService<CouncilNotificationClient>().SendAsync(Notification, "outbox-10");

        Assert.That(result.Outcome, Is.EqualTo(CouncilDeliveryOutcome.PermanentFailure));
        Assert.That(result.StatusCode, Is.EqualTo(400));
        Assert.That(_server.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task No_configured_url_is_a_permanent_failure_and_an_explicit_destination_wins()
    {
        await using var services = Services(notificationUrl: null);
        var client = services.GetRequiredService<CouncilNotificationClient>();

        Assert.That((await client.SendAsync(Notification, "k1")).Outcome, Is.EqualTo(CouncilDeliveryOutcome.PermanentFailure));
        Assert.That((await client.SendAsync(Notification, "k2", _server.Url("ok"))).Outcome, Is.EqualTo(CouncilDeliveryOutcome.Delivered));
    }

    [Test]
    public async Task A_council_that_keeps_failing_opens_its_circuit_and_only_its_own()
    {
        _server.FlakyFailures = int.MaxValue;
        await using var other = await FakeCouncilServer.StartAsync();
        await using var services = Services(_server.Url("flaky").ToString(), retries: 1, new Dictionary<string, string?>
        {
            ["Adapters:Council:CircuitBreakerMinimumThroughput"] = "2",
            ["Adapters:Council:CircuitBreakerFailureRatio"] = "0.5",
            ["Adapters:Council:CircuitBreakerBreakDuration"] = "00:00:30",
        });
        var client = services.GetRequiredService<CouncilNotificationClient>();

        var first = await client.SendAsync(Notification, "outbox-20");
        var callsBefore = _server.Received.Count;
        var whileOpen = await client.SendAsync(Notification, "outbox-21");
        var elsewhere = await client.SendAsync(Notification, "outbox-22", other.Url("ok"));

        Assert.That(first.Outcome, Is.EqualTo(CouncilDeliveryOutcome.RetryableFailure));
        Assert.That(callsBefore, Is.EqualTo(2), "the first send and its one retry reached the council");
        Assert.That(whileOpen.Outcome, Is.EqualTo(CouncilDeliveryOutcome.RetryableFailure), "an open circuit is an outage, so the outbox keeps the message");
        Assert.That(whileOpen.Detail, Does.Contain("BrokenCircuitException"));
        Assert.That(_server.Received, Has.Count.EqualTo(callsBefore), "an open circuit does not call the council");
        Assert.That(elsewhere.Outcome, Is.EqualTo(CouncilDeliveryOutcome.Delivered), "another council host has a circuit of its own");
        Assert.That(other.Received.Single().IdempotencyKey, Is.EqualTo("outbox-22"));
    }

    [Test]
    public void Bad_circuit_breaker_settings_stop_the_host_at_start_up_naming_each_one()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Adapters:Council:NotificationUrl"] = "https://council.example/notify",
            ["Adapters:Council:CircuitBreakerMinimumThroughput"] = "1",
            ["Adapters:Council:CircuitBreakerFailureRatio"] = "1.5",
            ["Adapters:Council:CircuitBreakerSamplingDuration"] = "00:00:00.100",
            ["Adapters:Council:CircuitBreakerBreakDuration"] = "00:00:00.100",
        });
        builder.Services.AddCouncilAdapter(builder.Configuration);
        using var host = builder.Build();

        var thrown = Assert.CatchAsync(() => host.StartAsync());
        var e = thrown is AggregateException a ? a.Flatten().InnerExceptions.OfType<OptionsValidationException>().First() : thrown;
        Assert.That(e, Is.InstanceOf<OptionsValidationException>());
        var failures = ((OptionsValidationException)e!).Failures.ToList();
        Assert.That(failures, Has.Count.EqualTo(4), string.Join(" | ", failures));
        Assert.That(string.Join(" ", failures), Does.Contain("CircuitBreakerMinimumThroughput").And.Contain("CircuitBreakerFailureRatio")
            .And.Contain("CircuitBreakerSamplingDuration").And.Contain("CircuitBreakerBreakDuration"));
    }

    [TestCase(HttpStatusCode.OK, CouncilDeliveryOutcome.Delivered)]
    [TestCase(HttpStatusCode.NoContent, CouncilDeliveryOutcome.Delivered)]
    [TestCase(HttpStatusCode.TooManyRequests, CouncilDeliveryOutcome.RetryableFailure)]
    [TestCase(HttpStatusCode.RequestTimeout, CouncilDeliveryOutcome.RetryableFailure)]
    [TestCase(HttpStatusCode.BadGateway, CouncilDeliveryOutcome.RetryableFailure)]
    [TestCase(HttpStatusCode.Unauthorized, CouncilDeliveryOutcome.PermanentFailure)]
    [TestCase(HttpStatusCode.UnprocessableEntity, CouncilDeliveryOutcome.PermanentFailure)]
    public void Status_codes_are_classified(HttpStatusCode status, CouncilDeliveryOutcome expected) =>
        Assert.That(CouncilNotificationClient.Classify(status), Is.EqualTo(expected));

    [Test]
    public void Bad_settings_stop_the_host_at_start_up_naming_each_one()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Adapters:Council:NotificationUrl"] = "council.example/notify",
            ["Adapters:Council:AttemptTimeout"] = "00:01:00",
            ["Adapters:Council:Timeout"] = "00:00:10",
        });
        builder.Services.AddCouncilAdapter(builder.Configuration);
        using var host = builder.Build();

        // The resilience handler's options read ours too, so the host may aggregate the same failure twice.
        var thrown = Assert.CatchAsync(() => host.StartAsync());
        var e = thrown is AggregateException a ? a.Flatten().InnerExceptions.OfType<OptionsValidationException>().First() : thrown;
        Assert.That(e, Is.InstanceOf<OptionsValidationException>());
        Assert.That(((OptionsValidationException)e!).Failures.Count(), Is.EqualTo(2));
        Assert.That(e.Message, Does.Contain("NotificationUrl").And.Contain("AttemptTimeout"));
    }

    [Test]
    public void Good_settings_bind()
    {
        using var services = Services("https://council.example/notify");
        var options = services.GetRequiredService<IOptions<CouncilAdapterOptions>>().Value;
        Assert.That(options.CircuitBreakerMinimumThroughput, Is.EqualTo(10));
        Assert.That(options.EffectiveSamplingDuration, Is.EqualTo(TimeSpan.FromSeconds(30)));
        options.AttemptTimeout = TimeSpan.FromSeconds(20);
        Assert.That(options.EffectiveSamplingDuration, Is.EqualTo(TimeSpan.FromSeconds(40)), "raised to twice the attempt timeout, as the handler requires");
        Assert.That(options.NotificationFormat, Is.EqualTo(CouncilNotificationFormat.Json));
        Assert.That(options.NotificationUri, Is.EqualTo(new Uri("https://council.example/notify")));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
