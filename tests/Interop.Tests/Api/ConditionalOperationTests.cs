using System.Net;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>Conditional create, update and delete (FHIR R4 http.html#ccreate, #cond-update, #cdelete).</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class ConditionalOperationTests(StorageProvider provider) : ApiFixture(provider)
{
    private static string ByNhs(string nhs) => $"identifier={Uri.EscapeDataString(KnownSystems.NhsNumber)}|{nhs}";

    [Test]
    public async Task Conditional_create_returns_the_existing_match_instead_of_creating()
    {
        var nhs = Builders.NextNhsNumber();
        var first = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: nhs)), r => r.Headers.Add("If-None-Exist", ByNhs(nhs)));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var second = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: nhs)), r => r.Headers.Add("If-None-Exist", ByNhs(nhs)));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await second.ReadAsync<Patient>()).Id, Is.EqualTo((await first.ReadAsync<Patient>()).Id));
    }

    [Test]
    public async Task Racing_conditional_creates_make_one_resource()
    {
        var nhs = Builders.NextNhsNumber();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: nhs)), r => r.Headers.Add("If-None-Exist", ByNhs(nhs)))));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(1));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(7));
        var ids = new HashSet<string>();
        foreach (var r in responses) ids.Add((await r.ReadAsync<Patient>()).Id);
        Assert.That(ids, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Conditional_update_creates_then_updates_the_same_resource()
    {
        var nhs = Builders.NextNhsNumber();
        var create = await Client.SendAsync(HttpMethod.Put, $"/fhir/Patient?{ByNhs(nhs)}", FhirHttp.JsonBody(Builders.Patient("First", nhsNumber: nhs)));
        Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var update = await Client.SendAsync(HttpMethod.Put, $"/fhir/Patient?{ByNhs(nhs)}", FhirHttp.JsonBody(Builders.Patient("Second", nhsNumber: nhs)));
        Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var updated = await update.ReadAsync<Patient>();
        Assert.That(updated.Id, Is.EqualTo((await create.ReadAsync<Patient>()).Id));
        Assert.That(updated.Meta.VersionId, Is.EqualTo("2"));
        Assert.That(updated.Name[0].Family, Is.EqualTo("Second"));
    }

    [Test]
    public async Task Criteria_matching_several_resources_are_412_and_change_nothing()
    {
        var shared = $"shared-{Guid.NewGuid():N}";
        for (var i = 0; i < 2; i++)
        {
            var p = Builders.Patient();
            p.Identifier.Add(new Identifier("urn:test:shared", shared));
            await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(p));
        }
        var criteria = $"identifier=urn:test:shared|{shared}";
        Assert.That((await Client.SendAsync(HttpMethod.Put, $"/fhir/Patient?{criteria}", FhirHttp.JsonBody(Builders.Patient()))).StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That((await Client.SendAsync(HttpMethod.Delete, $"/fhir/Patient?{criteria}")).StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That((await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()), r => r.Headers.Add("If-None-Exist", criteria))).StatusCode,
            Is.EqualTo(HttpStatusCode.PreconditionFailed));
    }

    [Test]
    public async Task Conditional_delete_removes_the_single_match()
    {
        var nhs = Builders.NextNhsNumber();
        var id = (await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: nhs)))).ReadAsync<Patient>()).Id;
        var delete = await Client.SendAsync(HttpMethod.Delete, $"/fhir/Patient?{ByNhs(nhs)}");
        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        var again = await Client.SendAsync(HttpMethod.Delete, $"/fhir/Patient?{ByNhs(nhs)}");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "no match is not an error");
    }

    [Test]
    public async Task Identifier_without_system_matches_any_system()
    {
        var nhs = Builders.NextNhsNumber();
        await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: nhs)));
        var again = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: nhs)), r => r.Headers.Add("If-None-Exist", $"identifier={nhs}"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
