using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>Every error row of contracts.md answers an OperationOutcome and changes nothing.</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class ErrorHandlingTests(StorageProvider provider) : ApiFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Fhir:MaxBodyBytes"] = "4096" };

    [Test]
    public async Task Malformed_json_is_400_invalid_request()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody("{\"resourceType\": \"Patient\", "));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.DetailCodes(), Does.Contain("INVALID_REQUEST"));
        Assert.That(outcome.Id, Is.Not.Null.And.Not.Empty, "the outcome id is the trace id");
    }

    [Test]
    public async Task Every_problem_in_a_body_is_listed_with_its_location()
    {
        var body = "{\"resourceType\":\"Patient\",\"bogus\":1,\"gender\":\"dunno\",\"birthDate\":\"1961-13-45\"}";
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var outcome = await response.ReadAsync<OperationOutcome>();
        var locations = outcome.Issue.SelectMany(i => i.Expression).ToList();
        Assert.That(locations, Does.Contain("Patient.bogus").And.Contain("Patient.gender").And.Contain("Patient.birthDate"));
    }

    [Test]
    public async Task Malformed_xml_is_400()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", new StringContent("<Patient xmlns=\"http://hl7.org/fhir\"><gender value=", Encoding.UTF8, FhirHttp.Xml));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("INVALID_REQUEST"));
    }

    [Test]
    public async Task Body_type_that_does_not_match_the_url_is_400()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Patient()));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.Contain("Patient").And.Contain("Observation"));
    }

    [Test]
    public async Task Update_with_mismatched_or_missing_id_is_400_and_stores_nothing()
    {
        var mismatch = await Client.SendAsync(HttpMethod.Put, "/fhir/Patient/abc", FhirHttp.JsonBody(Builders.Patient(id: "xyz")));
        Assert.That(mismatch.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var missing = await Client.SendAsync(HttpMethod.Put, "/fhir/Patient/abc", FhirHttp.JsonBody(Builders.Patient()));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Client.SendAsync(HttpMethod.Get, "/fhir/Patient/abc")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Client.SendAsync(HttpMethod.Get, "/fhir/Patient/xyz")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Unknown_resource_type_is_400()
    {
        var response = await Client.SendAsync(HttpMethod.Get, "/fhir/Spaceship/1");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.Contain("Spaceship"));
    }

    [Test]
    public async Task Unknown_id_is_404_resource_not_found()
    {
        var response = await Client.SendAsync(HttpMethod.Get, "/fhir/Patient/does-not-exist");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await response.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("RESOURCE_NOT_FOUND"));
    }

    [Test]
    public async Task Body_over_the_limit_is_413_too_large()
    {
        var patient = Builders.Patient();
        patient.Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{new string('x', 8000)}</div>" };
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(patient));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That((await response.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("TOO_LARGE"));
    }

    [Test]
    public async Task Unsupported_media_type_is_415()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", new StringContent("name,Smith", Encoding.UTF8, "text/csv"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That((await response.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("UNSUPPORTED_FORMAT"));
    }

    [Test]
    public async Task Unsupported_accept_or_format_is_406()
    {
        var accept = await Client.SendAsync(HttpMethod.Get, "/fhir/metadata", configure: r => { r.Headers.Accept.Clear(); r.Headers.Accept.ParseAdd("application/pdf"); });
        Assert.That(accept.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
        var format = await Client.SendAsync(HttpMethod.Get, "/fhir/metadata?_format=turtle");
        Assert.That(format.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
        Assert.That((await format.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("UNSUPPORTED_FORMAT"));
    }

    [Test]
    public async Task Invalid_id_in_url_is_400()
    {
        var response = await Client.SendAsync(HttpMethod.Get, "/fhir/Patient/" + new string('a', 65));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
