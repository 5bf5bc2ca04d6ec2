using System.Net;
using System.Text;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Interop.Tests.Adapters.AdapterTestSupport;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Adapters;

/// <summary>
/// An ADT^A03 for a council client queues a notification in the discharge's transaction; the
/// dispatcher delivers it through a council outage and a gateway restart, exactly once.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class DischargeOutboxTests(StorageProvider provider) : ApiFixture(provider)
{
    private FakeCouncilEndpoint? _startedCouncil;

    private FakeCouncilEndpoint _council => _startedCouncil ??= FakeCouncilEndpoint.StartAsync().GetAwaiter().GetResult();

    // The fixture's own gateway queues but does not dispatch; the test runs two gateways that do, one after the other.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Adapters:Council:NotificationUrl"] = _council.Url,
        ["Adapters:Outbox:Enabled"] = "false",
    };

    private IDictionary<string, string?> DispatchingSettings() => new Dictionary<string, string?>
    {
        ["Adapters:Council:NotificationUrl"] = _council.Url,
        ["Adapters:Council:MaxRetryAttempts"] = "1",
        ["Adapters:Council:RetryDelay"] = "00:00:00.020",
        ["Adapters:Council:Timeout"] = "00:00:05",
        ["Adapters:Council:AttemptTimeout"] = "00:00:02",
        ["Adapters:Outbox:PollInterval"] = "00:00:00.100",
        ["Adapters:Outbox:RetryDelay"] = "00:00:00.100",
        ["Adapters:Outbox:MaxRetryDelay"] = "00:00:00.300",
        ["Adapters:Outbox:Lease"] = "00:00:02",
    };

    [OneTimeSetUp]
    public async Task StartCouncilAsync()
    {
        await RegisterOrganizationAsync("RBQ");
        await RegisterOrganizationAsync("LIVCC", "council");
    }

    [OneTimeTearDown]
    public async Task StopCouncilAsync() => await _council.DisposeAsync();

    private async Task<T> WithDbAsync<T>(GatewayFactory factory, Func<InteropDbContext, Task<T>> query)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<InteropDbContext>());
    }

    [Test]
    public async Task A_discharge_is_notified_through_an_outage_and_a_restart_exactly_once()
    {
        var nhs = Builders.NextNhsNumber();
        var assessment = NewKey("A");
        var csv = string.Join("\n", CouncilAdapterTests.Header, CouncilAdapterTests.Row(assessment, nhs));
        var stored = await Client.PostAsync("/adapters/council/assessments", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.That(stored.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var first = new GatewayFactory(Database, DispatchingSettings());
        using (var hospital = first.CreateClient())
        {
            hospital.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create("RBQ", "system", "system/*.cru"));
            var response = await hospital.PostAsync("/adapters/hospital/hl7v2", Hl7Body(Adt("A03", NewControlId(), nhs, NewKey("M"), NewKey("V"), family: "TESTER", dob: "19500101", nhsStatus: "NSTS01")));
            var ack = await response.Content.ReadAsStringAsync();
            Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        }
        var outboxId = await WithDbAsync(first, db => db.OutboxMessages.Where(m => m.Body.Contains(nhs)).Select(m => m.Id).SingleAsync());
        await Eventually.UntilAsync(async () => await WithDbAsync(first, db => db.OutboxMessages.AnyAsync(m => m.Id == outboxId && m.Attempts >= 2)),
            "the dispatcher has tried twice while the council is down");
        await first.DisposeAsync();

        _council.Down = false;
        await using var second = new GatewayFactory(Database, DispatchingSettings());
        _ = second.Server; // start the host (and its dispatcher)
        await Eventually.UntilAsync(async () => await WithDbAsync(second, db => db.OutboxMessages.AnyAsync(m => m.Id == outboxId && m.DeliveredAt != null)),
            "the message is delivered after the restart");
        await Task.Delay(1000); // a second delivery, if the dispatcher were to make one, would come within a few polls

        var requests = _council.Requests.ToList();
        Assert.That(requests.Select(r => r.IdempotencyKey).Distinct(), Is.EqualTo(new[] { outboxId }), "every attempt carries the outbox id as Idempotency-Key");
        Assert.That(requests.Count(r => r.Status == 202), Is.EqualTo(1), "accepted exactly once");
        Assert.That(requests.Count(r => r.Status == 503), Is.GreaterThanOrEqualTo(2));
        var row = await WithDbAsync(second, db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == outboxId));
        Assert.That(row.ParkedAt, Is.Null);
        Assert.That(row.LeaseUntil, Is.Null);
        Assert.That(row.Destination, Is.EqualTo(_council.Url));
        Assert.That(row.ContentType, Is.EqualTo("application/fhir+json"));
    }

    [Test]
    public async Task An_admission_queues_nothing()
    {
        var nhs = Builders.NextNhsNumber();
        var csv = string.Join("\n", CouncilAdapterTests.Header, CouncilAdapterTests.Row(NewKey("A"), nhs));
        Assert.That((await Client.PostAsync("/adapters/council/assessments", new StringContent(csv, Encoding.UTF8, "text/csv"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var before = await WithDbAsync(Factory, db => db.OutboxMessages.CountAsync());
        var ack = await (await Client.PostAsync("/adapters/hospital/hl7v2", Hl7Body(Adt("A01", NewControlId(), nhs, NewKey("M"), NewKey("V"), family: "TESTER", dob: "19500101", nhsStatus: "NSTS01")))).Content.ReadAsStringAsync();
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        Assert.That(await WithDbAsync(Factory, db => db.OutboxMessages.CountAsync()), Is.EqualTo(before));
    }

    [Test]
    public async Task A_second_discharge_of_the_same_encounter_queues_no_second_notification()
    {
        var nhs = Builders.NextNhsNumber();
        var csv = string.Join("\n", CouncilAdapterTests.Header, CouncilAdapterTests.Row(NewKey("A"), nhs));
        Assert.That((await Client.PostAsync("/adapters/council/assessments", new StringContent(csv, Encoding.UTF8, "text/csv"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var (mrn, visit) = (NewKey("M"), NewKey("V"));

        // The PAS sends the discharge again under a new control id (so it is not a resend the de-duplication would catch).
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var ack = await (await Client.PostAsync("/adapters/hospital/hl7v2",
                Hl7Body(Adt("A03", NewControlId(), nhs, mrn, visit, family: "TESTER", dob: "19500101", nhsStatus: "NSTS01")))).Content.ReadAsStringAsync();
            Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        }
        Assert.That(await WithDbAsync(Factory, db => db.OutboxMessages.CountAsync(m => m.Body.Contains(nhs))), Is.EqualTo(1));
    }

    [Test]
    public async Task A_discharge_kept_apart_by_an_unverified_nhs_number_notifies_no_council()
    {
        var nhs = Builders.NextNhsNumber();
        var csv = string.Join("\n", CouncilAdapterTests.Header, CouncilAdapterTests.Row(NewKey("A"), nhs));
        Assert.That((await Client.PostAsync("/adapters/council/assessments", new StringContent(csv, Encoding.UTF8, "text/csv"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ack = await (await Client.PostAsync("/adapters/hospital/hl7v2",
            Hl7Body(Adt("A03", NewControlId(), nhs, NewKey("M"), NewKey("V"), family: "TESTER", dob: "19500101")))).Content.ReadAsStringAsync();
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        Assert.That(await WithDbAsync(Factory, db => db.OutboxMessages.CountAsync(m => m.Body.Contains(nhs))), Is.Zero,
            "the hospital's record is not known to be the council's client until a person confirms it");
    }
}
