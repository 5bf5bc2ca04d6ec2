using System.Net;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Validation;

/// <summary>
/// Every profile we own is enforced by default on write, whether or not the resource claims it in
/// <c>meta.profile</c>; <c>Validation:DefaultMode</c> and <c>Validation:ResourceTypes</c> still override.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class DefaultEnforcementApiTests(StorageProvider provider) : ApiFixture(provider)
{
    internal static Organization UnnamedOrganization() => new()
    {
        Identifier = [new Identifier(KnownSystems.OdsOrganisationCode, "RBS")],
        Type = [new CodeableConcept(KnownSystems.OrganisationType, "hospital-trust")],
    };

    [Test]
    public async Task An_unclaimed_organization_without_a_name_is_refused_with_422_by_default()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Organization", FhirHttp.JsonBody(UnnamedOrganization()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.DetailCodes(), Does.Contain("PROFILE_VIOLATION"));
        Assert.That(outcome.Issue.SelectMany(i => i.Expression), Does.Contain("Organization.name"));
    }

    [Test]
    public async Task An_organization_without_an_ods_code_is_stored_when_named_and_typed()
    {
        var hospital = new Organization
        {
            Identifier = [new Identifier("https://github.com/synthetichealth/synthea", Guid.NewGuid().ToString())],
            Type = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/organization-type", "prov", "Healthcare Provider")],
            Name = "Example General Hospital",
        };

        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Organization", FhirHttp.JsonBody(hospital));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task An_unclaimed_questionnaire_response_without_a_questionnaire_is_refused_in_a_transaction()
    {
        var patient = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).ReadAsync<Patient>();
        var response = new QuestionnaireResponse
        {
            Identifier = new Identifier("https://example.org/assessments", "A-1"),
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = new ResourceReference($"Patient/{patient.Id}"),
            Authored = "2024-04-02",
            Author = new ResourceReference { Display = "Adult social care" },
            Item = [new QuestionnaireResponse.ItemComponent { LinkId = "eligible-needs", Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirBoolean(true) }] }],
        };
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{Guid.NewGuid()}", Resource = response,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "QuestionnaireResponse" },
        });

        var answer = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        var outcome = await answer.ReadAsync<OperationOutcome>();
        Assert.That(outcome.DetailCodes(), Does.Contain("PROFILE_VIOLATION"));
        Assert.That(outcome.Issue.SelectMany(i => i.Expression).Any(e => e.EndsWith("QuestionnaireResponse.questionnaire", StringComparison.Ordinal)), Is.True,
            string.Join(", ", outcome.Issue.SelectMany(i => i.Expression)));
    }
}

/// <summary><c>Validation:ResourceTypes:{Type}</c> still overrides the enforced default for one type.</summary>
[TestFixture(StorageProvider.Sqlite)]
public sealed class ResourceTypeOverrideApiTests(StorageProvider provider) : ApiFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Validation:ResourceTypes:Organization"] = "Warn" };

    [Test]
    public async Task Warn_for_organization_stores_an_unnamed_one_but_still_enforces_patient()
    {
        var organization = await Client.SendAsync(HttpMethod.Post, "/fhir/Organization", FhirHttp.JsonBody(DefaultEnforcementApiTests.UnnamedOrganization()));
        Assert.That(organization.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var patient = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: "9434765918")));
        Assert.That(patient.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
    }
}

/// <summary><c>Validation:DefaultMode</c> still sets the mode of every type without its own entry.</summary>
[TestFixture(StorageProvider.Sqlite)]
public sealed class DefaultModeOverrideApiTests(StorageProvider provider) : ApiFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Validation:DefaultMode"] = "Off" };

    [Test]
    public async Task Default_mode_off_stores_an_unnamed_organization()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Organization", FhirHttp.JsonBody(DefaultEnforcementApiTests.UnnamedOrganization()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }
}
