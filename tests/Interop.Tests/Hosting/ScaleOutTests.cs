using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Hosting;

/// <summary>
/// Two gateway processes on one PostgreSQL database, hammered at once over real HTTP: what the
/// database shares between replicas (versions, conditional creates under advisory locks, the
/// consent ledger chain) must hold as it does for one. Migrations run first as a separate
/// <c>migrate</c> process and the replicas start with <c>Storage:MigrateOnStartup=false</c>, as in
/// the Kubernetes manifests.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ScaleOutTests
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private TestDatabase? _database;
    private readonly List<GatewayProcess> _gateways = [];
    private readonly List<HttpClient> _clients = [];

    [OneTimeSetUp]
    public async Task StartTwoGatewaysAsync()
    {
        _database = await TestDatabase.CreateAsync(StorageProvider.PostgreSql); // ignored without INTEROP_TEST_POSTGRES
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
        };

        var (exitCode, output) = await GatewayProcess.RunVerbAsync("migrate", environment, ReadyTimeout);
        Assert.That(exitCode, Is.EqualTo(0), $"the migration job failed:{Environment.NewLine}{output}");

        var starts = await Task.WhenAll(GatewayProcess.StartAsync(environment, ReadyTimeout), GatewayProcess.StartAsync(environment, ReadyTimeout));
        _gateways.AddRange(starts);
        foreach (var gateway in _gateways)
        {
            var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Administrator());
            _clients.Add(client);
        }
    }

    [OneTimeTearDown]
    public async Task StopGatewaysAsync()
    {
        foreach (var client in _clients) client.Dispose();
        foreach (var gateway in _gateways) await gateway.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
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
