using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Import;

/// <summary><c>POST /fhir/$import</c> with NDJSON bodies over HTTP.</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class ImportOperationTests(StorageProvider provider) : ApiFixture(provider)
{
    private static StringContent Ndjson(params string[] lines) =>
        new(string.Join("\n", lines) + "\n", Encoding.UTF8, "application/fhir+ndjson");

    [Test]
    public async Task Good_lines_are_stored_and_a_bad_line_is_named()
    {
        var body = new[]
        {
            """{"resourceType":"Patient","id":"imp-op-1","name":[{"family":"Imported"}]}""",
            """{"resourceType":"Observation","status":"final","code":{"text":"pulse"},"subject":{"reference":"Patient/imp-op-1"}}""",
            """{"resourceType":"Patient","birthDate":"not a date"}""",
        };
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/$import", Ndjson(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue[0].Diagnostics, Is.EqualTo("Imported 2 of 3 lines: 2 created, 0 updated or unchanged, 1 failed."));
        Assert.That(outcome.Issue.Skip(1).Select(i => i.Diagnostics), Has.Exactly(1).StartsWith("line 3:"));

        var read = await Client.SendAsync(HttpMethod.Get, "/fhir/Patient/imp-op-1");
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The same body again: nothing new, no new versions.
        var again = await (await Client.SendAsync(HttpMethod.Post, "/fhir/$import", Ndjson(body))).ReadAsync<OperationOutcome>();
        Assert.That(again.Issue[0].Diagnostics, Is.EqualTo("Imported 2 of 3 lines: 0 created, 2 updated or unchanged, 1 failed."));
        var patient = await (await Client.SendAsync(HttpMethod.Get, "/fhir/Patient/imp-op-1")).ReadAsync<Patient>();
        Assert.That(patient.Meta.VersionId, Is.EqualTo("1"));
    }

    [Test]
    public async Task A_user_token_is_refused()
    {
        await RegisterOrganizationAsync("RBQIMP");
        var client = ClientFor("RBQIMP", "clinician", "user/*.cruds");
        var response = await client.SendAsync(HttpMethod.Post, "/fhir/$import", Ndjson("""{"resourceType":"Patient"}"""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Lines_of_types_the_scopes_do_not_cover_are_refused_by_line()
    {
        await RegisterOrganizationAsync("RQ6IMP");
        var client = ClientFor("RQ6IMP", "system", "system/Observation.cu");
        var response = await client.SendAsync(HttpMethod.Post, "/fhir/$import", Ndjson(
            """{"resourceType":"Observation","status":"final","code":{"text":"a"}}""",
            """{"resourceType":"Patient","name":[{"family":"NotAllowed"}]}"""));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue[0].Diagnostics, Does.StartWith("Imported 1 of 2 lines"));
        Assert.That(outcome.Issue[1].Diagnostics, Does.StartWith("line 2:").And.Contain("Patient"));
    }

    [Test]
    public async Task A_body_that_is_not_ndjson_is_415()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/$import", FhirHttp.JsonBody(new Patient()));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }
}
