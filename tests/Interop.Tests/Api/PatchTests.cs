using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>PATCH over HTTP (FHIR R4 http.html#patch) in both formats.</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class PatchTests(StorageProvider provider) : ApiFixture(provider)
{
    private async Task<Patient> CreateAsync(string? nhs = null) =>
        await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Patchable", nhsNumber: nhs)))).ReadAsync<Patient>();

    private static StringContent JsonPatchBody(string json) => new(json, Encoding.UTF8, "application/json-patch+json");

    [Test]
    public async Task Json_patch_makes_a_new_version()
    {
        var p = await CreateAsync();
        var committer = Factory.Services.GetRequiredService<Interop.Api.Fhir.WriteCommitter>();
        var batches = committer.Batches;
        var response = await Client.SendAsync(HttpMethod.Patch, $"/fhir/Patient/{p.Id}",
            JsonPatchBody("[{\"op\":\"replace\",\"path\":\"/birthDate\",\"value\":\"1970-01-01\"}]"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(committer.Batches - batches, Is.EqualTo(1), "a patch shares the write group commit");
        var patched = await response.ReadAsync<Patient>();
        Assert.That(patched.BirthDate, Is.EqualTo("1970-01-01"));
        Assert.That(patched.Meta.VersionId, Is.EqualTo("2"));
        var history = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{p.Id}/_history")).ReadAsync<Bundle>();
        Assert.That(history.Entry[0].Request.Method, Is.EqualTo(Bundle.HTTPVerb.PATCH));
    }

    [Test]
    public async Task Fhirpath_patch_makes_a_new_version()
    {
        var p = await CreateAsync();
        var parameters = new Parameters();
        var op = new Parameters.ParameterComponent { Name = "operation" };
        op.Part.Add(new Parameters.ParameterComponent { Name = "type", Value = new Code("replace") });
        op.Part.Add(new Parameters.ParameterComponent { Name = "path", Value = new FhirString("Patient.birthDate") });
        op.Part.Add(new Parameters.ParameterComponent { Name = "value", Value = new Date("1955-05-05") });
        parameters.Parameter.Add(op);
        var response = await Client.SendAsync(HttpMethod.Patch, $"/fhir/Patient/{p.Id}", FhirHttp.JsonBody(parameters));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((await response.ReadAsync<Patient>()).BirthDate, Is.EqualTo("1955-05-05"));
    }

    [Test]
    public async Task Failing_patch_is_422_and_changes_nothing()
    {
        var p = await CreateAsync();
        var response = await Client.SendAsync(HttpMethod.Patch, $"/fhir/Patient/{p.Id}",
            JsonPatchBody("[{\"op\":\"test\",\"path\":\"/birthDate\",\"value\":\"2000-01-01\"},{\"op\":\"remove\",\"path\":\"/name\"}]"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        var current = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{p.Id}")).ReadAsync<Patient>();
        Assert.That(current.Meta.VersionId, Is.EqualTo("1"));
        Assert.That(current.Name, Is.Not.Empty);
    }

    [Test]
    public async Task Patch_that_breaks_the_resource_is_refused()
    {
        var p = await CreateAsync();
        var response = await Client.SendAsync(HttpMethod.Patch, $"/fhir/Patient/{p.Id}",
            JsonPatchBody("[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"dunno\"}]"));
        Assert.That((int)response.StatusCode, Is.InRange(400, 422));
        Assert.That((await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{p.Id}")).ReadAsync<Patient>()).Meta.VersionId, Is.EqualTo("1"));
    }

    [Test]
    public async Task Stale_if_match_is_412()
    {
        var p = await CreateAsync();
        var response = await Client.SendAsync(HttpMethod.Patch, $"/fhir/Patient/{p.Id}",
            JsonPatchBody("[{\"op\":\"replace\",\"path\":\"/birthDate\",\"value\":\"1970-01-01\"}]"), r => r.Headers.IfMatch.ParseAdd("W/\"3\""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
    }

    [Test]
    public async Task Conditional_patch_patches_the_single_match()
    {
        var nhs = Builders.NextNhsNumber();
        var p = await CreateAsync(nhs);
        var response = await Client.SendAsync(HttpMethod.Patch, $"/fhir/Patient?identifier={KnownSystems.NhsNumber}|{nhs}",
            JsonPatchBody("[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var patched = await response.ReadAsync<Patient>();
        Assert.That(patched.Id, Is.EqualTo(p.Id));
        Assert.That(patched.Active, Is.True);
    }

    [Test]
    public async Task Patch_of_unknown_resource_is_404()
    {
        var response = await Client.SendAsync(HttpMethod.Patch, "/fhir/Patient/nope", JsonPatchBody("[]"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
