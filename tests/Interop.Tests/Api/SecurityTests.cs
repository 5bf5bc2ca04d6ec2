using System.Diagnostics;
using System.Net;
using Hl7.Fhir.Model;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>Who may call: tokens, SMART scopes, organisations, roles, patient confinement, break-glass.</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class SecurityTests(StorageProvider provider) : ApiFixture(provider)
{
    private string _patientA = "";
    private string _patientB = "";
    private string _observationA = "";
    private string _observationB = "";

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        await RegisterOrganizationAsync("RBQ");
        await RegisterOrganizationAsync("CLOSED1", active: false);
        _patientA = (await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Alpha")))).ReadAsync<Patient>()).Id;
        _patientB = (await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Beta")))).ReadAsync<Patient>()).Id;
        _observationA = (await (await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(_patientA)))).ReadAsync<Observation>()).Id;
        _observationB = (await (await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(_patientB)))).ReadAsync<Observation>()).Id;
    }

    /// <summary>Every interaction, as (method, url, body) built against the seeded data.</summary>
    private IEnumerable<(string Name, HttpMethod Method, string Url, Func<HttpContent?> Body)> Interactions() =>
    [
        ("create", HttpMethod.Post, "/fhir/Patient", () => FhirHttp.JsonBody(Builders.Patient())),
        ("read", HttpMethod.Get, $"/fhir/Patient/{_patientA}", () => null),
        ("vread", HttpMethod.Get, $"/fhir/Patient/{_patientA}/_history/1", () => null),
        ("update", HttpMethod.Put, $"/fhir/Patient/{_patientA}", () => FhirHttp.JsonBody(Builders.Patient(id: _patientA))),
        ("delete", HttpMethod.Delete, $"/fhir/Observation/{Guid.NewGuid()}", () => null),
        ("history-instance", HttpMethod.Get, $"/fhir/Patient/{_patientA}/_history", () => null),
        ("history-type", HttpMethod.Get, "/fhir/Patient/_history", () => null),
        ("history-system", HttpMethod.Get, "/fhir/_history", () => null),
    ];

    [Test]
    public async Task Open_endpoints_need_no_token()
    {
        using var anonymous = ClientWithToken(null);
        Assert.That((await anonymous.GetAsync("/fhir/metadata")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await anonymous.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await anonymous.GetAsync("/readyz")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var smart = await anonymous.GetAsync("/.well-known/smart-configuration");
        Assert.That(smart.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await smart.Content.ReadAsStringAsync(), Does.Contain("permission-v2"));
    }

    [Test]
    public async Task Capability_statement_describes_smart_security()
    {
        var statement = await (await ClientWithToken(null).SendAsync(HttpMethod.Get, "/fhir/metadata")).ReadAsync<CapabilityStatement>();
        Assert.That(statement.Rest[0].Security.Service.SelectMany(s => s.Coding).Select(c => c.Code), Does.Contain("SMART-on-FHIR"));
    }

    private static IEnumerable<TestCaseData> BadTokens()
    {
        yield return new TestCaseData((string?)null).SetName("no token");
        yield return new TestCaseData("not-a-jwt").SetName("malformed token");
        yield return new TestCaseData(TestTokens.Create("INTEROP", "system", "system/*.cruds", expires: DateTime.UtcNow.AddMinutes(-5), notBefore: DateTime.UtcNow.AddMinutes(-30))).SetName("expired token");
        yield return new TestCaseData(TestTokens.Create("INTEROP", "system", "system/*.cruds", audience: "someone-else")).SetName("wrong audience");
        yield return new TestCaseData(TestTokens.Create("INTEROP", "system", "system/*.cruds", issuer: "https://evil.example")).SetName("wrong issuer");
        yield return new TestCaseData(TestTokens.Create("INTEROP", "system", "system/*.cruds", key: "a-different-key-that-is-long-enough-987654321")).SetName("wrong signing key");
        yield return new TestCaseData(TestTokens.Tampered()).SetName("tampered payload");
        yield return new TestCaseData(TestTokens.Unsigned()).SetName("unsigned alg none");
    }

    [TestCaseSource(nameof(BadTokens))]
    public async Task Bad_tokens_are_401_on_every_interaction(string? token)
    {
        using var client = ClientWithToken(token);
        foreach (var (name, method, url, body) in Interactions())
        {
            var response = await client.SendAsync(method, url, body());
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), name);
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"), name);
            var outcome = await response.ReadAsync<OperationOutcome>();
            Assert.That(outcome.DetailCodes(), Does.Contain("UNAUTHENTICATED"), name);
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("Alpha"), "never data");
        }
    }

    [Test]
    public async Task Wrong_scope_is_403_naming_the_missing_scope_on_every_interaction()
    {
        using var client = ClientFor("RBQ", "clinician", "user/Encounter.cruds");
        foreach (var (name, method, url, body) in Interactions())
        {
            var response = await client.SendAsync(method, url, body());
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), name);
            var outcome = await response.ReadAsync<OperationOutcome>();
            Assert.That(outcome.DetailCodes(), Does.Contain("INSUFFICIENT_SCOPE"), name);
            Assert.That(outcome.Issue[0].Diagnostics, Does.Match(@"user/(Patient|Observation|\*)\.[cruds]"), name);
        }
    }

    [Test]
    public async Task Right_scope_succeeds_on_every_interaction()
    {
        using var client = ClientFor("RBQ", "clinician", "user/*.cruds");
        foreach (var (name, method, url, body) in Interactions())
        {
            var response = await client.SendAsync(method, url, body());
            Assert.That((int)response.StatusCode, Is.InRange(200, 299), $"{name}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Test]
    public async Task Read_scope_does_not_allow_writes_and_v1_scopes_are_understood()
    {
        using var reader = ClientFor("RBQ", "clinician", "user/*.read");
        Assert.That((await reader.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var write = await reader.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()));
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await write.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.Contain("user/Patient.c"));

        using var writer = ClientFor("RBQ", "clinician", "user/Patient.write");
        Assert.That((await writer.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await writer.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Unknown_or_inactive_organisation_is_refused()
    {
        var unknown = await ClientFor("ZZZ99", "clinician", "user/*.rs").SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await unknown.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("ORGANISATION_NOT_REGISTERED"));

        var inactive = await ClientFor("CLOSED1", "clinician", "user/*.rs").SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}");
        Assert.That(inactive.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await inactive.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.Contain("inactive"));
    }

    [Test]
    public async Task Registering_or_deactivating_an_organisation_applies_to_the_next_request()
    {
        // Organisation checks are answered from memory (Auth:OrganizationCacheSeconds); a change
        // written through this instance must not wait for the entry to expire.
        using var newcomer = ClientFor("LATE1", "clinician", "user/*.rs");
        Assert.That((await newcomer.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var id = await RegisterOrganizationAsync("LATE1");
        Assert.That((await newcomer.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var org = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Organization/{id}")).ReadAsync<Organization>();
        org.Active = false;
        Assert.That((await Client.SendAsync(HttpMethod.Put, $"/fhir/Organization/{id}", FhirHttp.JsonBody(org))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var refused = await newcomer.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await refused.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.Contain("inactive"));

        // The same through a transaction Bundle, whose plain creates are stored by the bulk writer.
        using var bundled = ClientFor("LATE2", "clinician", "user/*.rs");
        Assert.That((await bundled.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        transaction.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = new Organization
            {
                Active = true,
                Name = "Test organisation LATE2",
                Identifier = [new Identifier(Interop.Core.Known.KnownSystems.OdsOrganisationCode, "LATE2")],
                Type = [new CodeableConcept(Interop.Core.Known.KnownSystems.OrganisationType, "hospital-trust")],
            },
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Organization" },
        });
        Assert.That((await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(transaction))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await bundled.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Unknown_role_is_refused()
    {
        var response = await ClientFor("RBQ", "astronaut", "user/*.rs").SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await response.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.Contain("astronaut"));
    }

    [Test]
    public async Task Role_table_narrows_what_scopes_allow()
    {
        using var clerk = ClientFor("RBQ", "clerk", "user/*.rs");
        Assert.That((await clerk.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var lab = await clerk.SendAsync(HttpMethod.Get, $"/fhir/Observation/{_observationA}");
        Assert.That(lab.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await lab.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.Contain("clerk"));

        using var socialWorker = ClientFor("RBQ", "social-worker", "user/*.rs");
        Assert.That((await socialWorker.SendAsync(HttpMethod.Get, $"/fhir/Observation/{_observationA}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "no laboratory detail");
    }

    [Test]
    public async Task Only_the_operator_registers_organisations_and_nobody_writes_audit_events()
    {
        using var hospitalSystem = ClientFor("RBQ", "system", "system/*.cruds");
        var org = new Organization { Name = "Rogue", Identifier = [new Identifier("https://fhir.nhs.uk/Id/ods-organization-code", "ROGUE")] };
        Assert.That((await hospitalSystem.SendAsync(HttpMethod.Post, "/fhir/Organization", FhirHttp.JsonBody(org))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var audit = new AuditEvent { Recorded = DateTimeOffset.UtcNow };
        Assert.That((await Client.SendAsync(HttpMethod.Post, "/fhir/AuditEvent", FhirHttp.JsonBody(audit))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Patient_token_is_confined_to_its_own_compartment()
    {
        using var patient = ClientFor("RBQ", "patient", "patient/*.rs", patient: _patientA);
        Assert.That((await patient.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await patient.SendAsync(HttpMethod.Get, $"/fhir/Observation/{_observationA}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await patient.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientB}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await patient.SendAsync(HttpMethod.Get, $"/fhir/Observation/{_observationB}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await patient.SendAsync(HttpMethod.Get, $"/fhir/Observation/{_observationB}/_history/1")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var history = await patient.SendAsync(HttpMethod.Get, "/fhir/Observation/_history?_count=100");
        var body = await history.Content.ReadAsStringAsync();
        Assert.That(body, Does.Contain(_observationA));
        Assert.That(body, Does.Not.Contain(_observationB).And.Not.Contain(_patientB));
    }

    [Test]
    public async Task Patient_token_cannot_reach_another_patient_through_includes_chains_or_has()
    {
        using var patient = ClientFor("RBQ", "patient", "patient/*.rs", patient: _patientA);
        foreach (var url in new[]
        {
            "/fhir/Observation?_include=Observation:subject&_count=100",
            "/fhir/Patient?_revinclude=Observation:subject&_count=100",
            "/fhir/Observation?subject:Patient.name=Beta",
            "/fhir/Patient?_has:Observation:subject:_id=" + _observationB,
            "/fhir/Observation?_id=" + _observationB,
        })
        {
            var response = await patient.SendAsync(HttpMethod.Get, url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{url}: {await response.Content.ReadAsStringAsync()}");
            // The self link echoes the query; what is released is the entries (and any total).
            var bundle = await response.ReadAsync<Bundle>();
            var released = string.Join("\n", bundle.Entry.Where(e => e.Resource is not null).Select(e => Interop.Core.Fhir.FhirSerialization.ToJson(e.Resource)));
            Assert.That(released, Does.Not.Contain(_patientB).And.Not.Contain(_observationB).And.Not.Contain("Beta"), url);
            Assert.That(bundle.Entry.Select(e => e.Resource?.Id), Does.Not.Contain(_patientB).And.Not.Contain(_observationB), url);
        }
        var own = await (await patient.SendAsync(HttpMethod.Get, "/fhir/Observation?_include=Observation:subject")).ReadAsync<Bundle>();
        Assert.That(own.Entry.Select(e => e.Resource?.Id), Does.Contain(_observationA).And.Contain(_patientA));
    }

    [Test]
    public async Task Patient_token_cannot_write_into_another_record()
    {
        using var patient = ClientFor("RBQ", "patient", "patient/*.cruds", patient: _patientA);
        var other = await patient.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(_patientB)));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var own = await patient.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(_patientA)));
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Patient_role_without_patient_claim_is_refused()
    {
        var response = await ClientFor("RBQ", "patient", "patient/*.rs").SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Break_glass_needs_a_reason()
    {
        using var client = ClientFor("RBQ", "clinician", "user/*.rs", purpose: "BTG");
        var without = await client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}");
        Assert.That(without.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await without.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("BREAK_GLASS_REASON_REQUIRED"));
        var with = await client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}", configure: r => r.Headers.Add("X-Break-Glass-Reason", "Unconscious in ED"));
        Assert.That(with.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Token_printed_by_the_cli_is_accepted_by_the_running_server()
    {
        // Runs the real verb in a child process, signed with this test gateway's key.
        var apiDll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { apiDll, "token", "--org", "RBQ", "--role", "clinician", "--scope", "user/*.rs" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["Auth__Issuer"] = TestTokens.Issuer,
                ["Auth__Audience"] = TestTokens.Audience,
                ["Auth__SigningKey"] = TestTokens.SigningKey,
            },
        };
        using var process = Process.Start(start)!;
        var token = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.EqualTo(0), await process.StandardError.ReadToEndAsync());

        var response = await ClientWithToken(token).SendAsync(HttpMethod.Get, $"/fhir/Patient/{_patientA}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
