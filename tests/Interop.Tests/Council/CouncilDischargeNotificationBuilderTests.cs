using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Adapters.Council;
using Interop.Core.Known;
using NUnit.Framework;

namespace Interop.Tests.Council;

[TestFixture]
public class CouncilDischargeNotificationBuilderTests
{
    private static Patient NewPatient() => new()
    {
        Id = "pat-1",
        Identifier =
        [
            new Identifier(KnownSystems.NhsNumber, "9434765919"),
            new Identifier(CouncilIdentifiers.PersonSystem("LIVCC"), "P77001"),
        ],
    };

    private static Encounter NewEncounter() => new()
    {
        Id = "enc-9",
        Status = Encounter.EncounterStatus.Finished,
        Class = new Coding(KnownSystems.V3ActCode, "IMP"),
        Subject = new ResourceReference("Patient/pat-1"),
        Period = new Period { Start = "2024-06-01T10:00:00+01:00", End = "2024-06-09T14:30:00+01:00" },
        ServiceProvider = new ResourceReference { Identifier = new Identifier(KnownSystems.OdsOrganisationCode, "REM"), Display = "Liverpool University Hospitals" },
    };

    private static EpisodeOfCare NewEpisode() => new()
    {
        Id = "eoc-3",
        Identifier = [new Identifier(CouncilIdentifiers.RecordSystem("LIVCC"), "A-1001/service")],
        Status = EpisodeOfCare.EpisodeOfCareStatus.Active,
        Patient = new ResourceReference("Patient/pat-1"),
    };

    [Test]
    public void Json_shape_names_person_discharge_time_and_hospital()
    {
        var n = CouncilDischargeNotificationBuilder.Build(NewPatient(), NewEncounter(), NewEpisode(), CouncilNotificationFormat.Json);

        Assert.That(n.ContentType, Is.EqualTo("application/json"));
        using var doc = JsonDocument.Parse(n.Body);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("event").GetString(), Is.EqualTo("hospital-discharge"));
        Assert.That(root.GetProperty("nhsNumber").GetString(), Is.EqualTo("9434765919"));
        Assert.That(root.GetProperty("councilPersonId").GetString(), Is.EqualTo("P77001"));
        Assert.That(root.GetProperty("dischargedAt").GetString(), Is.EqualTo("2024-06-09T14:30:00+01:00"));
        Assert.That(root.GetProperty("hospital").GetProperty("odsCode").GetString(), Is.EqualTo("REM"));
        Assert.That(root.GetProperty("hospital").GetProperty("name").GetString(), Is.EqualTo("Liverpool University Hospitals"));
        Assert.That(root.GetProperty("encounterId").GetString(), Is.EqualTo("enc-9"));
    }

    [Test]
    public void Json_without_a_council_person_id_says_null()
    {
        var patient = NewPatient();
        patient.Identifier.RemoveAt(1);
        var n = CouncilDischargeNotificationBuilder.Build(patient, NewEncounter(), null, CouncilNotificationFormat.Json);
        Assert.That(JsonDocument.Parse(n.Body).RootElement.GetProperty("councilPersonId").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public void Fhir_shape_is_a_collection_of_patient_encounter_and_episode()
    {
        var n = CouncilDischargeNotificationBuilder.Build(NewPatient(), NewEncounter(), NewEpisode(), CouncilNotificationFormat.Fhir,
            fhirBaseUrl: new Uri("https://interop.example/fhir/"));

        Assert.That(n.ContentType, Is.EqualTo("application/fhir+json"));
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(n.Body);
        Assert.That(bundle.Type, Is.EqualTo(Bundle.BundleType.Collection));
        Assert.That(bundle.Entry.Select(e => e.FullUrl), Is.EqualTo(new[]
        {
            "https://interop.example/fhir/Patient/pat-1",
            "https://interop.example/fhir/Encounter/enc-9",
            "https://interop.example/fhir/EpisodeOfCare/eoc-3",
        }));
    }

    [Test]
    public void Missing_facts_are_all_named()
    {
        var encounter = NewEncounter();
        encounter.Id = null;
        encounter.Period!.End = null;
        var e = Assert.Throws<ArgumentException>(() =>
            CouncilDischargeNotificationBuilder.Build(new Patient(), encounter, null, CouncilNotificationFormat.Json));
        Assert.That(e!.Message, Does.Contain("NHS number").And.Contain("no id").And.Contain("period.end"));
    }
}
