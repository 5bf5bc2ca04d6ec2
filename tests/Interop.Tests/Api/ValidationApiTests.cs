using System.Net;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>Profile validation on write (Enforce by default for our profiles) and $validate.</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class ValidationApiTests(StorageProvider provider) : ApiFixture(provider)
{
    [Test]
    public async Task Patient_failing_our_profile_is_422_with_every_problem_and_its_location()
    {
        var patient = Builders.Patient(nhsNumber: "9434765918"); // bad check digit
        patient.Name.Clear();
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(patient));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.DetailCodes(), Does.Contain("PROFILE_VIOLATION"));
        var locations = outcome.Issue.SelectMany(i => i.Expression).ToList();
        Assert.That(locations.Any(l => l.StartsWith("Patient.identifier")), Is.True, string.Join(", ", locations));
        Assert.That(locations.Any(l => l.StartsWith("Patient.name")), Is.True, string.Join(", ", locations));
    }

    [Test]
    public async Task Organisation_type_outside_our_value_set_is_refused_in_a_transaction_too()
    {
        var org = new Organization
        {
            Name = "Odd",
            Identifier = [new Identifier(KnownSystems.OdsOrganisationCode, "ODD01")],
            Type = [new CodeableConcept(KnownSystems.OrganisationType, "spaceport")],
            Meta = new Meta { Profile = ["https://interop.example/fhir/StructureDefinition/InteropOrganization"] },
        };
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{Guid.NewGuid()}", Resource = org, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Organization" } });
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That((await response.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.StartWith("entry[0]"));
    }

    [Test]
    public async Task Validate_operation_answers_200_with_the_problems_and_stores_nothing()
    {
        var patient = Builders.Patient(nhsNumber: "9434765918");
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient/$validate", FhirHttp.JsonBody(patient));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue.Any(i => i.Severity == OperationOutcome.IssueSeverity.Error), Is.True);

        var good = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient/$validate", FhirHttp.JsonBody(Builders.Patient()));
        Assert.That((await good.ReadAsync<OperationOutcome>()).Issue.Any(i => i.Severity == OperationOutcome.IssueSeverity.Error), Is.False);
    }

    [Test]
    public async Task Validate_operation_takes_parameters_with_a_resource()
    {
        var parameters = new Parameters();
        parameters.Add("resource", Builders.Patient(nhsNumber: "9434765918"));
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient/$validate", FhirHttp.JsonBody(parameters));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.ReadAsync<OperationOutcome>()).Issue.Any(i => i.Severity == OperationOutcome.IssueSeverity.Error), Is.True);
    }

    [Test]
    public async Task Instance_validate_checks_the_stored_version()
    {
        var created = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).ReadAsync<Patient>();
        var response = await Client.SendAsync(HttpMethod.Post, $"/fhir/Patient/{created.Id}/$validate");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.ReadAsync<OperationOutcome>()).Issue.Any(i => i.Severity == OperationOutcome.IssueSeverity.Error), Is.False);
    }
}

/// <summary>Warn mode stores what Enforce would refuse.</summary>
[TestFixture(StorageProvider.Sqlite)]
public sealed class ValidationWarnModeTests(StorageProvider provider) : ApiFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Validation:ResourceTypes:Patient"] = "Warn" };

    [Test]
    public async Task Warn_mode_stores_a_patient_that_enforce_would_refuse()
    {
        var patient = Builders.Patient(nhsNumber: "9434765918"); // bad check digit
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(patient));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }
}
