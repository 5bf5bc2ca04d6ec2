using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Adapters.Hl7v2;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Adapters;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NUnit.Framework;
using static Interop.Tests.Adapters.AdapterTestSupport;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Hosting;

/// <summary>
/// Two gateway processes on one PostgreSQL database, hammered at once over real HTTP and MLLP: what
/// the database shares between replicas (versions, conditional creates under advisory locks, the
/// consent ledger chain, the audit trail's group commits, the council outbox and HL7 v2
/// de-duplication) must hold as it does for one. Migrations run first as a separate
/// <c>migrate</c> process and the replicas start with <c>Storage:MigrateOnStartup=false</c>, as in
/// the Kubernetes manifests. Both replicas dispatch the outbox to one fake council endpoint.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ScaleOutTests
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The hospital trust that sends HL7 v2 (over HTTP with its token, over MLLP as the configured sender).</summary>
    private const string Hospital = "RBQ";

    private TestDatabase? _database;
    private FakeCouncilEndpoint? _council;
    private readonly List<GatewayProcess> _gateways = [];
    private readonly List<HttpClient> _clients = [];
    private readonly List<HttpClient> _hospitalClients = [];
    private readonly List<int> _mllpPorts = [];

    private TestDatabase Database => _database!;

    private FakeCouncilEndpoint Council => _council!;

    [OneTimeSetUp]
    public async Task StartTwoGatewaysAsync()
    {
        _database = await TestDatabase.CreateAsync(StorageProvider.PostgreSql); // ignored without INTEROP_TEST_POSTGRES
        _council = await FakeCouncilEndpoint.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Storage__Provider"] = "PostgreSql",
            ["Storage__ConnectionString"] = _database.ConnectionString,
            ["Storage__MigrateOnStartup"] = "false",
            ["Auth__Issuer"] = TestTokens.Issuer,
            ["Auth__Audience"] = TestTokens.Audience,
            ["Auth__SigningKey"] = TestTokens.SigningKey,
            ["RateLimiting__PermitsPerSecond"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
            // Both replicas run the outbox dispatcher against one council; short intervals keep the test quick.
            ["Adapters__Council__NotificationUrl"] = _council.Url,
            ["Adapters__Council__MaxRetryAttempts"] = "1",
            ["Adapters__Council__RetryDelay"] = "00:00:00.020",
            ["Adapters__Council__Timeout"] = "00:00:05",
            ["Adapters__Council__AttemptTimeout"] = "00:00:02",
            ["Adapters__Outbox__PollInterval"] = "00:00:00.100",
            // Back-off short enough for a quick test, long enough that an outage does not reach the council
            // client's circuit breaker (100 requests in its window), which would only make the test slower.
            ["Adapters__Outbox__RetryDelay"] = "00:00:00.200",
            ["Adapters__Outbox__MaxRetryDelay"] = "00:00:01",
            ["Adapters__Outbox__Lease"] = "00:00:10",
            ["Adapters__Hospital__MllpAddress"] = "127.0.0.1",
            ["Adapters__Hospital__MllpOrganization"] = Hospital,
        };

        var (exitCode, output) = await GatewayProcess.RunVerbAsync("migrate", environment, ReadyTimeout);
        Assert.That(exitCode, Is.EqualTo(0), $"the migration job failed:{Environment.NewLine}{output}");

        while (_mllpPorts.Count < 2)
        {
            var port = GatewayProcess.FreePort();
            if (!_mllpPorts.Contains(port)) _mllpPorts.Add(port);
        }
        var starts = await Task.WhenAll(_mllpPorts.Select(port => GatewayProcess.StartAsync(
            new Dictionary<string, string>(environment) { ["Adapters__Hospital__MllpPort"] = port.ToString(CultureInfo.InvariantCulture) }, ReadyTimeout)));
        _gateways.AddRange(starts);
        foreach (var gateway in _gateways)
        {
            _clients.Add(ClientFor(gateway, TestTokens.Administrator()));
            _hospitalClients.Add(ClientFor(gateway, TestTokens.Create(Hospital, "system", "system/*.cru")));
        }
        await RegisterOrganizationAsync(Hospital, "hospital-trust");
        await RegisterOrganizationAsync("LIVCC", "council");
    }

    [OneTimeTearDown]
    public async Task StopGatewaysAsync()
    {
        foreach (var client in _clients.Concat(_hospitalClients)) client.Dispose();
        foreach (var gateway in _gateways) await gateway.DisposeAsync();
        if (_council is not null) await _council.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    private static HttpClient ClientFor(GatewayProcess gateway, string token)
    {
        var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task RegisterOrganizationAsync(string odsCode, string type)
    {
        var organization = new Organization
        {
            Active = true,
            Name = $"Test organisation {odsCode}",
            Identifier = [new Identifier(KnownSystems.OdsOrganisationCode, odsCode)],
            Type = [new CodeableConcept(KnownSystems.OrganisationType, type)],
        };
        var response = await _clients[0].SendAsync(HttpMethod.Post, "/fhir/Organization", FhirHttp.JsonBody(organization));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Racing_updates_through_both_gateways_lose_nothing()
    {
        var created = await _clients[0].SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Racer")));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await created.ReadAsync<Patient>()).Id;

        const int workersPerGateway = 3, attemptsPerWorker = 8;
        var successes = 0;
        var unexpected = new List<string>();
        await Task.WhenAll(_clients.SelectMany(client => Enumerable.Range(0, workersPerGateway).Select(worker => Task.Run(async () =>
        {
            for (var attempt = 0; attempt < attemptsPerWorker; attempt++)
            {
                // Read-modify-write with If-Match: an update based on a stale read must be refused, never applied.
                var current = await (await client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{id}")).ReadAsync<Patient>();
                // Unique per gateway, worker and attempt: an update identical to the current content keeps its version.
                current.Name[0].Given = [$"g{_clients.IndexOf(client)}w{worker}a{attempt}"];
                var put = await client.SendAsync(HttpMethod.Put, $"/fhir/Patient/{id}", FhirHttp.JsonBody(current),
                    r => r.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{current.Meta.VersionId}\"", isWeak: true)));
                if (put.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref successes);
                else if (put.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed))
                {
                    var body = await put.Content.ReadAsStringAsync();
                    lock (unexpected) unexpected.Add($"{(int)put.StatusCode}: {body}");
                }
            }
        }))));

        TestContext.Out.WriteLine($"{successes} of {_clients.Count * workersPerGateway * attemptsPerWorker} racing updates won; the rest were refused as stale");
        Assert.That(unexpected, Is.Empty);
        Assert.That(successes, Is.GreaterThan(0));
        var final = await (await _clients[1].SendAsync(HttpMethod.Get, $"/fhir/Patient/{id}")).ReadAsync<Patient>();
        Assert.That(final.Meta.VersionId, Is.EqualTo((1 + successes).ToString()), "every successful update made exactly one version");
        var history = await (await _clients[0].SendAsync(HttpMethod.Get, $"/fhir/Patient/{id}/_history?_count=1000")).ReadAsync<Bundle>();
        Assert.That(history.Entry, Has.Count.EqualTo(1 + successes));
    }

    [Test]
    public async Task Conditional_creates_on_both_gateways_make_one_resource()
    {
        const int rounds = 4, requestsPerGateway = 4;
        for (var round = 0; round < rounds; round++)
        {
            var nhs = Builders.NextNhsNumber();
            var criteria = $"identifier={Uri.EscapeDataString(KnownSystems.NhsNumber)}|{nhs}";
            var responses = await Task.WhenAll(_clients.SelectMany(client => Enumerable.Range(0, requestsPerGateway).Select(_ =>
                client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: nhs)),
                    r => r.Headers.Add("If-None-Exist", criteria)))));

            Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(1), $"round {round}: exactly one create");
            Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(responses.Length - 1), $"round {round}: the rest found it");
            var ids = new HashSet<string>();
            foreach (var response in responses) ids.Add((await response.ReadAsync<Patient>()).Id);
            Assert.That(ids, Has.Count.EqualTo(1), $"round {round}: every answer names the same Patient");

            var stored = await PatientsWithNhsNumberAsync(nhs);
            Assert.That(stored, Is.EqualTo(1), $"round {round}: one Patient stored with NHS number {nhs}");
        }
    }

    [Test]
    public async Task Consents_created_on_both_gateways_form_one_valid_ledger_chain()
    {
        var before = await VerifyLedgerAsync();
        Assert.That(before.Valid, Is.True);

        const int consentsPerWorker = 5, workersPerGateway = 2;
        var created = 0;
        var unexpected = new List<string>();
        await Task.WhenAll(_clients.SelectMany(client => Enumerable.Range(0, workersPerGateway).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < consentsPerWorker; i++)
            {
                var response = await client.SendAsync(HttpMethod.Post, "/fhir/Consent", FhirHttp.JsonBody(ConsentBuilder.Dissent($"scale-{Guid.NewGuid():N}")));
                if (response.StatusCode == HttpStatusCode.Created) Interlocked.Increment(ref created);
                else
                {
                    var body = await response.Content.ReadAsStringAsync();
                    lock (unexpected) unexpected.Add($"{(int)response.StatusCode}: {body}");
                }
            }
        }))));

        Assert.That(unexpected, Is.Empty);
        Assert.That(created, Is.EqualTo(_clients.Count * workersPerGateway * consentsPerWorker));
        foreach (var client in _clients)
        {
            var after = await VerifyLedgerAsync(client);
            Assert.That(after.Valid, Is.True, "the hash chain holds across both writers");
            Assert.That(after.Entries, Is.EqualTo(before.Entries + created), "one ledger entry per Consent created");
        }
    }

    [Test]
    public async Task Discharges_through_both_gateways_reach_the_council_once_each_through_an_outage()
    {
        const int discharges = 6;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Council.Down = true;
        var nhsNumbers = Enumerable.Range(0, discharges).Select(_ => Builders.NextNhsNumber()).ToList();
        var csv = string.Join("\n", [CouncilAdapterTests.Header, .. nhsNumbers.Select(nhs => CouncilAdapterTests.Row(NewKey("A"), nhs))]);
        var assessments = await _clients[0].PostAsync("/adapters/council/assessments", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.That(assessments.StatusCode, Is.EqualTo(HttpStatusCode.OK), "each patient gets an active council EpisodeOfCare");

        // Half the discharges arrive at each replica, at once; each queues its notification in its own transaction.
        var acks = await Task.WhenAll(nhsNumbers.Select(async (nhs, i) =>
        {
            var response = await _hospitalClients[i % 2].PostAsync("/adapters/hospital/hl7v2",
                Hl7Body(Adt("A03", NewControlId(), nhs, NewKey("M"), NewKey("V"), family: "TESTER", dob: "19500101", nhsStatus: "NSTS01")));
            return await response.Content.ReadAsStringAsync();
        }));
        Assert.That(acks.Select(MsaCode), Is.All.EqualTo("AA"), string.Join(Environment.NewLine, acks));
        TestContext.Out.WriteLine($"{clock.Elapsed}: {discharges} discharges stored");

        var outboxIds = await OutboxIdsAsync(nhsNumbers);
        Assert.That(outboxIds.Values, Is.All.Count.EqualTo(1), "one notification queued per discharge");
        var expectedKeys = outboxIds.Values.Select(ids => ids.Single()).ToHashSet();

        // A failed attempt is one the council refused or one its circuit breaker (opened by the refusals) did not let through.
        await Eventually.UntilAsync(async () =>
        {
            await using var db = Database.CreateContext();
            return await db.OutboxMessages.CountAsync(m => expectedKeys.Contains(m.Id) && m.Attempts >= 1) == discharges
                && Council.Requests.Any(r => r.Status == 503);
        }, "every notification has failed at least once while the council is down");
        TestContext.Out.WriteLine($"{clock.Elapsed}: every notification failed at least once; the council comes back");
        Council.Down = false;
        await Eventually.UntilAsync(async () =>
        {
            await using var db = Database.CreateContext();
            return await db.OutboxMessages.CountAsync(m => expectedKeys.Contains(m.Id) && m.DeliveredAt != null) == discharges;
        }, "every notification is recorded as delivered after the council came back");
        TestContext.Out.WriteLine($"{clock.Elapsed}: every notification delivered");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a second delivery, if either dispatcher made one, would come within a few polls

        var accepted = Council.Accepted.Where(r => r.IdempotencyKey is { } key && expectedKeys.Contains(key)).ToList();
        Assert.That(accepted.Select(r => r.IdempotencyKey), Is.EquivalentTo(expectedKeys), "each notification accepted exactly once, by its outbox id");
        foreach (var nhs in nhsNumbers)
            Assert.That(accepted.Count(r => r.Body.Contains(nhs, StringComparison.Ordinal)), Is.EqualTo(1), $"the discharge of {nhs} was notified exactly once");
        await using (var db = Database.CreateContext())
        {
            var rows = await db.OutboxMessages.AsNoTracking().Where(m => expectedKeys.Contains(m.Id)).ToListAsync();
            Assert.That(rows.Select(r => r.ParkedAt), Is.All.Null, "nothing parked");
            Assert.That(rows.Select(r => r.LeaseUntil), Is.All.Null, "every lease released");
            Assert.That(rows.Select(r => r.Attempts), Is.All.GreaterThanOrEqualTo(2), "a refused attempt, then the delivery");
        }
    }

    [Test]
    public async Task The_same_HL7_message_sent_to_both_gateways_at_once_is_stored_once()
    {
        const int rounds = 3;
        for (var round = 0; round < rounds; round++)
        {
            var nhs = Builders.NextNhsNumber();
            var (mrn, visit, controlId) = (NewKey("M"), NewKey("V"), NewControlId());
            var message = Adt("A01", controlId, nhs, mrn, visit);

            // The sender's retry after a lost ACK may reach either replica, over either transport, while the first is still being stored.
            var acks = await Task.WhenAll(
                SendOverHttpAsync(_hospitalClients[0], message), SendOverHttpAsync(_hospitalClients[1], message),
                SendOverMllpAsync(_mllpPorts[0], message), SendOverMllpAsync(_mllpPorts[1], message));

            Assert.That(acks.Select(MsaCode), Is.All.EqualTo("AA"), $"round {round}: {string.Join(" / ", acks)}");
            Assert.That(acks.Distinct().Count(), Is.EqualTo(1), $"round {round}: every copy is answered with the ACK the first one got");
            await using var db = Database.CreateContext();
            Assert.That(await db.Hl7ProcessedMessages.CountAsync(m => m.ControlId == controlId), Is.EqualTo(1), $"round {round}: remembered once");
            Assert.That(await VersionsContainingAsync(db, "Patient", mrn), Is.EqualTo(1), $"round {round}: one Patient, one version");
            Assert.That(await VersionsContainingAsync(db, "Encounter", visit), Is.EqualTo(1), $"round {round}: one Encounter, one version");
        }
    }

    [Test]
    public async Task Requests_spread_over_both_gateways_are_each_audited_exactly_once()
    {
        var created = await _clients[0].SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Audited")));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await created.ReadAsync<Patient>()).Id;

        // Reads, searches and updates at once on both replicas: every one queues its AuditEvent in its own replica's group commit.
        const int requestsPerGateway = 24;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answered = new ConcurrentBag<string>();
        var unexpected = new ConcurrentBag<string>();
        await Task.WhenAll(_clients.SelectMany(client => Enumerable.Range(0, requestsPerGateway).Select(async i =>
        {
            var (traceId, traceParent) = AuditTrail.NewTrace();
            var request = (i % 3) switch
            {
                0 => (HttpMethod.Get, $"/fhir/Patient/{id}", (HttpContent?)null),
                1 => (HttpMethod.Get, $"/fhir/Patient?_id={id}", null),
                _ => (HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient($"Audited{i}"))),
            };
            var response = await client.SendAsync(request.Item1, request.Item2, request.Item3, r => r.Headers.Add("traceparent", traceParent));
            if (response.IsSuccessStatusCode) answered.Add(traceId);
            else unexpected.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        })));

        Assert.That(unexpected, Is.Empty);
        Assert.That(answered, Has.Count.EqualTo(_clients.Count * requestsPerGateway));
        TestContext.Out.WriteLine($"{clock.Elapsed}: {answered.Count} requests answered");
        // The AuditEvents are built from the audit journal after each response, by whichever replica
        // gets there first; a query that can return AuditEvents first brings them up to date on any
        // replica. Ask replica 0 only: it must also store what replica 1 journalled.
        var count = await _clients[0].SendAsync(HttpMethod.Get, "/fhir/AuditEvent?_summary=count");
        Assert.That(count.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var audited = await AuditTrail.CountByRequestIdAsync(Database);
        TestContext.Out.WriteLine($"{clock.Elapsed}: {audited.Count} audited requests read back");
        var missing = answered.Where(t => !audited.ContainsKey(t)).ToList();
        var doubled = answered.Where(t => audited.GetValueOrDefault(t) > 1).ToList();
        Assert.That(missing, Is.Empty, "every answered request has its AuditEvent");
        Assert.That(doubled, Is.Empty, "and only one");
    }

    private static async Task<string> SendOverHttpAsync(HttpClient client, string message)
    {
        var response = await client.PostAsync("/adapters/hospital/hl7v2", Hl7Body(message));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Sends one framed message to a gateway's MLLP listener and returns the ACK it answers.</summary>
    private static async Task<string> SendOverMllpAsync(int port, string message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(MllpFraming.Frame(message), timeout.Token);
        var decoder = new MllpFrameDecoder(1 << 20);
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) return "";
            var frames = decoder.Append(buffer.AsSpan(0, read));
            if (frames.Count > 0) return Encoding.UTF8.GetString(frames[0].Payload);
        }
    }

    /// <summary>Every stored version (current or not) of <paramref name="type"/> whose JSON holds <paramref name="text"/>.</summary>
    private static Task<int> VersionsContainingAsync(InteropDbContext db, string type, string text) =>
        db.Resources.CountAsync(r => r.ResourceType == type && r.Json!.Contains(text));

    /// <summary>The outbox rows queued for each NHS number (a notification names the person it is about).</summary>
    private async Task<Dictionary<string, List<string>>> OutboxIdsAsync(IEnumerable<string> nhsNumbers)
    {
        await using var db = Database.CreateContext();
        var result = new Dictionary<string, List<string>>();
        foreach (var nhs in nhsNumbers)
            result[nhs] = await db.OutboxMessages.Where(m => m.Body.Contains(nhs)).Select(m => m.Id).ToListAsync();
        return result;
    }

    private static Consent Consent(string patientId) => new()
    {
        Status = Hl7.Fhir.Model.Consent.ConsentState.Active,
        Scope = new CodeableConcept(KnownSystems.ConsentScope, "patient-privacy"),
        Category = [new CodeableConcept(KnownSystems.Loinc, "59284-0")],
        Patient = new ResourceReference($"Patient/{patientId}"),
        DateTime = "2025-01-10",
        Policy = [new Hl7.Fhir.Model.Consent.PolicyComponent { Uri = "https://interop.example/policy/direct-care/v1" }],
        Provision = new Hl7.Fhir.Model.Consent.provisionComponent { Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Deny },
    };

    private async Task<(bool Valid, int Entries)> VerifyLedgerAsync(HttpClient? client = null)
    {
        var response = await (client ?? _clients[0]).SendAsync(HttpMethod.Get, "/fhir/$verify-ledger");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var parameters = await response.ReadAsync<Parameters>();
        var valid = parameters.GetSingleValue<FhirBoolean>("valid")?.Value ?? false;
        var entries = parameters.GetSingleValue<Integer>("entries")?.Value ?? -1;
        return (valid, entries);
    }

    /// <summary>Current Patients carrying <paramref name="nhs"/>, read from the type history (no search needed).</summary>
    private async Task<int> PatientsWithNhsNumberAsync(string nhs)
    {
        var response = await _clients[1].SendAsync(HttpMethod.Get, "/fhir/Patient/_history?_count=1000");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var bundle = await response.ReadAsync<Bundle>();
        Assert.That(bundle.NextLink, Is.Null, "the history fits one page");
        return bundle.Entry.Select(e => e.Resource).OfType<Patient>()
            .Where(p => p.Identifier.Any(i => i.System == KnownSystems.NhsNumber && i.Value == nhs))
            .Select(p => p.Id).Distinct().Count();
    }
}
