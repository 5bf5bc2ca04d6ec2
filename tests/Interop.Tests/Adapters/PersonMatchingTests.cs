using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Interop.Api.Adapters;
using Interop.Core.Identity;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using static Interop.Tests.Adapters.AdapterTestSupport;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Adapters;

/// <summary>
/// One person across GP, hospital and council (docs/adapters, "Matching a person across
/// organisations"): verified NHS numbers merge, an unverified one never merges silently.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class PersonMatchingTests(StorageProvider provider) : ApiFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Adapters:Outbox:Enabled"] = "false" };

    [OneTimeSetUp]
    public async Task RegisterOrganisationsAsync()
    {
        await RegisterOrganizationAsync("N82054", "gp-practice");
        await RegisterOrganizationAsync("RBQ");
        await RegisterOrganizationAsync("LIVCC", "council");
    }

    private static string Extract(string nhs, string? status, string localId)
    {
        var json = JsonNode.Parse(Fixture("gp", "full-extract.json").Replace("9434765919", nhs))!;
        var patient = json["patient"]!.AsObject();
        patient.Remove("sharingFlags");
        patient["localId"] = localId;
        if (status is null) patient.Remove("nhsNumberStatus");
        else patient["nhsNumberStatus"] = status;
        return json.ToJsonString();
    }

    private async Task<Bundle> PushGpAsync(string extract)
    {
        var response = await Client.PostAsync("/adapters/gp/extract", new StringContent(extract, Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<Bundle>();
    }

    private async Task<string> PostHl7Async(string message)
    {
        var response = await Client.PostAsync("/adapters/hospital/hl7v2", Hl7Body(message));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<Bundle> PostCouncilAsync(string row)
    {
        var response = await Client.PostAsync("/adapters/council/assessments",
            new StringContent(string.Join("\n", CouncilAdapterTests.Header, row), Encoding.UTF8, "text/csv"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<Bundle>();
    }

    private Task<List<Patient>> PatientsWithAsync(string nhs) => CurrentAsync<Patient>(Factory.Services, p => p.HasIdentifier(nhs));

    private Task<List<Flag>> PossibleMatchFlagsAsync(string patientId) => CurrentAsync<Flag>(Factory.Services, f =>
        f.Subject.Reference == $"Patient/{patientId}" && f.Identifier.Any(i => i.System == PatientMatchGuard.PossibleMatchFlagSystem));

    private static IEnumerable<string> Warnings(Bundle response) => response.Entry.Select(e => e.Resource).OfType<OperationOutcome>()
        .Concat(response.Entry.Select(e => e.Response?.Outcome).OfType<OperationOutcome>())
        .SelectMany(o => o.Issue).Where(i => i.Severity == OperationOutcome.IssueSeverity.Warning).Select(i => i.Diagnostics ?? "");

    [Test]
    public async Task Verified_records_from_gp_hospital_and_council_resolve_to_one_patient()
    {
        var nhs = Builders.NextNhsNumber();
        var gp = await PushGpAsync(Extract(nhs, "01", NewKey("E")));
        Assert.That(Warnings(gp), Has.None.Contains("not merged"));
        var visit = NewKey("V");
        var ack = await PostHl7Async(Adt("A01", NewControlId(), nhs, NewKey("M"), visit, family: "SMITH", dob: "19610302", nhsStatus: "NSTS01"));
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        Assert.That(ack, Does.Not.Contain("not merged"));
        var council = await PostCouncilAsync(CouncilAdapterTests.Row(NewKey("A"), nhs).Replace("TESTER,Sam,1950-01-01", "SMITH,Jane,1961-03-02"));
        Assert.That(council.Entry[0].Response.Status, Does.StartWith("200"));
        Assert.That(Warnings(council), Has.None.Contains("not merged"));

        var patient = (await PatientsWithAsync(nhs)).Single();
        Assert.That(NhsNumberVerification.IsVerified(patient), Is.True);
        var encounter = (await CurrentAsync<Encounter>(Factory.Services, e => e.Identifier.Any(i => i.Value == visit))).Single();
        Assert.That(encounter.Subject.Reference, Is.EqualTo($"Patient/{patient.Id}"));
        var task = (await CurrentAsync<Hl7.Fhir.Model.Task>(Factory.Services, t => t.For?.Reference == $"Patient/{patient.Id}")).Single();
        Assert.That(task, Is.Not.Null);
        Assert.That(await PossibleMatchFlagsAsync(patient.Id), Is.Empty);
    }

    [Test]
    public async Task An_unverified_gp_extract_for_a_verified_patient_is_kept_apart_flagged_and_warned()
    {
        var nhs = Builders.NextNhsNumber();
        var ack = await PostHl7Async(Adt("A01", NewControlId(), nhs, NewKey("M"), NewKey("V"), family: "SMITH", dob: "19610302", nhsStatus: "NSTS01"));
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        var hospitalPatient = (await PatientsWithAsync(nhs)).Single();

        var localId = NewKey("E");
        var response = await PushGpAsync(Extract(nhs, "02", localId));

        Assert.That(Warnings(response), Has.Some.Contains("not merged").And.Contain($"Patient/{hospitalPatient.Id}"));
        var patients = await PatientsWithAsync(nhs);
        Assert.That(patients, Has.Count.EqualTo(2), "no silent merge");
        var gpPatient = patients.Single(p => p.HasIdentifier(localId));
        Assert.That(NhsNumberVerification.StatusOf(NhsNumberVerification.NhsNumberOf(gpPatient)), Is.EqualTo("02"));
        var stored = patients.Single(p => p.Id == hospitalPatient.Id);
        Assert.That(stored.Meta.VersionId, Is.EqualTo(hospitalPatient.Meta.VersionId), "the verified Patient is untouched");
        Assert.That(await CurrentAsync<Condition>(Factory.Services, c => c.Subject.Reference == $"Patient/{hospitalPatient.Id}"), Is.Empty,
            "the GP's problems went to the GP's own Patient");
        Assert.That(await CurrentAsync<Condition>(Factory.Services, c => c.Subject.Reference == $"Patient/{gpPatient.Id}"), Is.Not.Empty);

        var flag = (await PossibleMatchFlagsAsync(gpPatient.Id)).Single();
        Assert.That(flag.Code.Text, Does.StartWith(PatientMatchGuard.PossibleMatchFlagText));
        Assert.That(flag.Extension.Where(e => e.Url == PatientMatchGuard.FlagDetailExtension).Select(e => ((ResourceReference)e.Value).Reference),
            Is.EqualTo(new[] { $"Patient/{hospitalPatient.Id}" }));

        // The practice sends again: its own Patient (by its local id), no second Flag, no third Patient.
        await PushGpAsync(Extract(nhs, "02", localId));
        Assert.That(await PatientsWithAsync(nhs), Has.Count.EqualTo(2));
        Assert.That(await PossibleMatchFlagsAsync(gpPatient.Id), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_adt_without_pid_32_for_a_known_patient_is_stored_apart_with_AA_and_a_warning()
    {
        var nhs = Builders.NextNhsNumber();
        await PushGpAsync(Extract(nhs, "01", NewKey("E")));
        var gpPatient = (await PatientsWithAsync(nhs)).Single();

        var (mrn, visit) = (NewKey("M"), NewKey("V"));
        var ack = await PostHl7Async(Adt("A01", NewControlId(), nhs, mrn, visit, family: "SMITH", dob: "19610302"));
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        Assert.That(ack, Does.Contain("\rERR|").And.Contain("not merged"));

        var hospitalPatient = (await PatientsWithAsync(nhs)).Single(p => p.HasIdentifier(mrn));
        Assert.That(hospitalPatient.Id, Is.Not.EqualTo(gpPatient.Id));
        Assert.That(NhsNumberVerification.StatusOf(NhsNumberVerification.NhsNumberOf(hospitalPatient)), Is.Null);
        var encounter = (await CurrentAsync<Encounter>(Factory.Services, e => e.Identifier.Any(i => i.Value == visit))).Single();
        Assert.That(encounter.Subject.Reference, Is.EqualTo($"Patient/{hospitalPatient.Id}"));
        Assert.That((await PossibleMatchFlagsAsync(hospitalPatient.Id)).Single().Extension.Single().Value,
            Is.InstanceOf<ResourceReference>().With.Property("Reference").EqualTo($"Patient/{gpPatient.Id}"));

        // The discharge for the same MRN goes to the same separate Patient, quietly.
        var discharge = await PostHl7Async(Adt("A03", NewControlId(), nhs, mrn, visit, family: "SMITH", dob: "19610302"));
        Assert.That(MsaCode(discharge), Is.EqualTo("AA"), discharge);
        Assert.That(discharge, Does.Not.Contain("not merged"));
        Assert.That(await PatientsWithAsync(nhs), Has.Count.EqualTo(2));
        Assert.That(await PossibleMatchFlagsAsync(hospitalPatient.Id), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_unverified_adt_with_no_identifier_of_its_own_is_AE_and_nothing_is_stored()
    {
        var nhs = Builders.NextNhsNumber();
        await PushGpAsync(Extract(nhs, "01", NewKey("E")));
        var visit = NewKey("V");
        var ack = await PostHl7Async(Adt("A01", NewControlId(), nhs, mrn: null, visit, family: "SMITH", dob: "19610302"));
        Assert.That(MsaCode(ack), Is.EqualTo("AE"), ack);
        Assert.That(ack, Does.Contain("cannot be merged"));
        Assert.That(await PatientsWithAsync(nhs), Has.Count.EqualTo(1));
        Assert.That(await CurrentAsync<Encounter>(Factory.Services, e => e.Identifier.Any(i => i.Value == visit)), Is.Empty);
    }

    [Test]
    public async Task A_council_row_without_a_verified_status_is_kept_apart_and_the_row_warns()
    {
        var nhs = Builders.NextNhsNumber();
        await PushGpAsync(Extract(nhs, "01", NewKey("E")));
        var gpPatient = (await PatientsWithAsync(nhs)).Single();

        var personId = NewKey("P");
        var response = await PostCouncilAsync(CouncilAdapterTests.Row(NewKey("A"), nhs, nhsStatus: "", personId: personId));
        Assert.That(response.Entry[0].Response.Status, Does.StartWith("200"));
        Assert.That(Warnings(response), Has.Some.Contains("not merged"));
        var councilPatient = (await PatientsWithAsync(nhs)).Single(p => p.Id != gpPatient.Id);
        Assert.That(councilPatient.Identifier.Any(i => i.Value == personId && i.System!.EndsWith("/person", StringComparison.Ordinal)), Is.True);
        Assert.That(await PossibleMatchFlagsAsync(councilPatient.Id), Has.Count.EqualTo(1));
        Assert.That(await CurrentAsync<Hl7.Fhir.Model.Task>(Factory.Services, t => t.For?.Reference == $"Patient/{gpPatient.Id}"), Is.Empty);
    }

    [Test]
    public async Task A_verified_record_for_a_patient_stored_unverified_is_not_merged_and_later_verified_records_find_the_verified_one()
    {
        var nhs = Builders.NextNhsNumber();
        var mrn = NewKey("M");
        Assert.That(MsaCode(await PostHl7Async(Adt("A01", NewControlId(), nhs, mrn, NewKey("V"), family: "SMITH", dob: "19610302"))), Is.EqualTo("AA"));
        var unverified = (await PatientsWithAsync(nhs)).Single();

        var gp = await PushGpAsync(Extract(nhs, "01", NewKey("E")));
        Assert.That(Warnings(gp), Has.Some.Contains("not merged").And.Contain("stored NHS number"));
        var verified = (await PatientsWithAsync(nhs)).Single(p => p.Id != unverified.Id);
        Assert.That(NhsNumberVerification.IsVerified(verified), Is.True);
        Assert.That(await PossibleMatchFlagsAsync(verified.Id), Has.Count.EqualTo(1));

        // Two Patients now share the number; a verified council row joins the one verified Patient.
        var council = await PostCouncilAsync(CouncilAdapterTests.Row(NewKey("A"), nhs).Replace("TESTER,Sam,1950-01-01", "SMITH,Jane,1961-03-02"));
        Assert.That(council.Entry[0].Response.Status, Does.StartWith("200"));
        Assert.That(Warnings(council), Has.None.Contains("not merged"));
        Assert.That(await PatientsWithAsync(nhs), Has.Count.EqualTo(2));
        Assert.That(await CurrentAsync<Hl7.Fhir.Model.Task>(Factory.Services, t => t.For?.Reference == $"Patient/{verified.Id}"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_adt_without_pid_32_keeps_the_verified_status_its_own_record_has()
    {
        var nhs = Builders.NextNhsNumber();
        var mrn = NewKey("M");
        Assert.That(MsaCode(await PostHl7Async(Adt("A28", NewControlId(), nhs, mrn, NewKey("V"), nhsStatus: "NSTS01"))), Is.EqualTo("AA"));
        var ack = await PostHl7Async(Adt("A08", NewControlId(), nhs, mrn, NewKey("V"), given: "Alexandra"));
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        var patient = (await PatientsWithAsync(nhs)).Single();
        Assert.That(patient.Name[0].Given, Does.Contain("Alexandra"), "the update was applied");
        Assert.That(NhsNumberVerification.IsVerified(patient), Is.True, "an update that says nothing about the status does not erase it");
        Assert.That(patient.Identifier.Single(i => i.System == KnownSystems.NhsNumber).Extension, Has.Count.EqualTo(1));
    }
}
