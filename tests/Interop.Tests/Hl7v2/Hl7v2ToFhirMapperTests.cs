// Firely model properties are nullable; a null here fails the assertion anyway.
#nullable disable warnings
using Hl7.Fhir.Model;
using Interop.Adapters.Hl7v2;
using Interop.Core.Known;
using NUnit.Framework;

namespace Interop.Tests.Hl7v2;

[TestFixture]
public class Hl7v2ToFhirMapperTests
{
    private const string MrnSystem = KnownSystems.SourceRecordIdBase + "/mrn/RR8";
    private const string VisitSystem = KnownSystems.SourceRecordIdBase + "/visit/RR8";
    private readonly Hl7v2Parser _parser = new();
    private readonly Hl7v2ToFhirMapper _mapper = new(TimeZoneInfo.Utc);

    private static readonly string FullPid = Pid((3, "RR81^^^RR8^MR~9990000018^^^NHS^NH"), (5, "SMITH^Anne^B^^Mrs^^L"),
        (7, "19800101"), (8, "F"), (11, "1 High St^^Leeds^^LS1 4AP^GBR^H"), (13, "0113 496 0000^PRN^PH~07700 900000^PRS^CP"),
        (32, "NSTS01"));

    private static string Adt(string trigger, string? pid = null,
        string pv1 = "PV1|1|I|WARD1^BED2^^RR8||||C1234567^JONES^Peter^^^Dr||||||||||||V0001^^^RR8^VN|||||||||||||||||||||||||20240315090000") =>
        $"MSH|^~\\&|PAS|RR8|TIE|RR8|20240315101500||ADT^{trigger}|CTRL-{trigger}|P|2.4\r" +
        $"EVN|{trigger}|20240315101500\r{pid ?? FullPid}\rPD1|||TEST PRACTICE^^A99999|G9999998^GP^Jane^^^Dr\r{pv1}\r";

    /// <summary>A PID with an MRN and a name, plus the given fields at their positions.</summary>
    private static string Pid(params (int Position, string Value)[] fields)
    {
        var values = new string[33];
        values[1] = "1";
        values[3] = "RR81^^^RR8^MR";
        values[5] = "SMITH^Anne";
        foreach (var (position, value) in fields) values[position] = value;
        return "PID|" + string.Join('|', values.Skip(1).Select(v => v ?? ""));
    }

    private Hl7v2MappingResult Map(string body) => _mapper.Map(_parser.Parse(body).Messages.Single());

    private static T Single<T>(Hl7v2MappingResult result) where T : Resource =>
        result.Transaction!.Entry.Select(e => e.Resource).OfType<T>().Single();

    [Test]
    public void A01_creates_patient_conditionally_and_an_inpatient_encounter()
    {
        var result = Map(Adt("A01"));

        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AA), string.Join("; ", result.Problems));
        var patientEntry = result.Transaction!.Entry[0];
        Assert.That(patientEntry.Request.Method, Is.EqualTo(Bundle.HTTPVerb.POST));
        Assert.That(patientEntry.Request.IfNoneExist, Is.EqualTo($"identifier={KnownSystems.NhsNumber}|9990000018"));
        Assert.That(patientEntry.FullUrl, Does.StartWith("urn:uuid:"));

        var patient = Single<Patient>(result);
        Assert.That(patient.Identifier.Select(i => (i.System, i.Value)),
            Is.EquivalentTo(new[] { (MrnSystem, "RR81"), (KnownSystems.NhsNumber, "9990000018") }));
        Assert.That(patient.Identifier.Single(i => i.System == KnownSystems.NhsNumber).Extension.Single().Url,
            Is.EqualTo(KnownSystems.UkCoreNhsNumberVerificationStatusExtension));
        Assert.That(patient.Name[0].Family, Is.EqualTo("SMITH"));
        Assert.That(patient.Name[0].Given, Is.EqualTo(new[] { "Anne", "B" }));
        Assert.That(patient.Name[0].Use, Is.EqualTo(HumanName.NameUse.Official));
        Assert.That(patient.BirthDate, Is.EqualTo("1980-01-01"));
        Assert.That(patient.Gender, Is.EqualTo(AdministrativeGender.Female));
        Assert.That(patient.Address[0].PostalCode, Is.EqualTo("LS1 4AP"));
        Assert.That(patient.Telecom.Select(t => t.Use), Is.EqualTo(new ContactPoint.ContactPointUse?[] { ContactPoint.ContactPointUse.Home, ContactPoint.ContactPointUse.Mobile }));
        Assert.That(patient.GeneralPractitioner[0].Identifier.System, Is.EqualTo(KnownSystems.OdsOrganisationCode));
        Assert.That(patient.GeneralPractitioner[0].Identifier.Value, Is.EqualTo("A99999"));
        Assert.That(patient.GeneralPractitioner[1].Identifier.System, Is.EqualTo(KnownSystems.GmpNumber));

        var encounterEntry = result.Transaction.Entry.Single(e => e.Resource is Encounter);
        var encounter = (Encounter)encounterEntry.Resource;
        Assert.That(encounter.Class.Code, Is.EqualTo("IMP"));
        Assert.That(encounter.Status, Is.EqualTo(Encounter.EncounterStatus.InProgress));
        Assert.That(encounter.Subject.Reference, Is.EqualTo(patientEntry.FullUrl));
        Assert.That(encounter.Identifier[0].System, Is.EqualTo(VisitSystem));
        Assert.That(encounter.Period.Start, Is.EqualTo("2024-03-15T09:00:00+00:00"));
        Assert.That(encounter.Participant[0].Type[0].Coding[0].Code, Is.EqualTo("ATND"));
        Assert.That(encounter.Participant[0].Individual.Identifier.System, Is.EqualTo(KnownSystems.GmcNumber));
        Assert.That(encounterEntry.Request.Method, Is.EqualTo(Bundle.HTTPVerb.PUT));
        Assert.That(encounterEntry.Request.Url, Is.EqualTo($"Encounter?identifier={VisitSystem}|V0001"));
    }

    [Test]
    public void A03_after_A01_updates_the_same_encounter_to_finished()
    {
        var admit = Map(Adt("A01"));
        var discharge = Map(Adt("A03", pv1: "PV1|1|I|WARD1^BED2^^RR8||||||||||||||||V0001^^^RR8^VN|||||||||||||||||||||||||20240315090000|20240320120000"));

        var admitUrl = admit.Transaction!.Entry.Single(e => e.Resource is Encounter).Request.Url;
        var dischargeEntry = discharge.Transaction!.Entry.Single(e => e.Resource is Encounter);
        Assert.That(dischargeEntry.Request.Url, Is.EqualTo(admitUrl));
        var encounter = (Encounter)dischargeEntry.Resource;
        Assert.That(encounter.Status, Is.EqualTo(Encounter.EncounterStatus.Finished));
        Assert.That(encounter.Period.End, Is.EqualTo("2024-03-20T12:00:00+00:00"));
    }

    [TestCase("E", "EMER")]
    [TestCase("O", "AMB")]
    [TestCase("P", "PRENC")]
    public void A04_patient_class_maps_to_encounter_class(string patientClass, string expected)
    {
        var result = Map(Adt("A04", pv1: $"PV1|1|{patientClass}|ED^^^RR8||||||||||||||||V0002^^^RR8^VN"));

        Assert.That(Single<Encounter>(result).Class.Code, Is.EqualTo(expected));
    }

    [TestCase("A08")]
    [TestCase("A28")]
    [TestCase("A31")]
    public void Demographic_updates_are_conditional_updates_of_the_patient(string trigger)
    {
        var result = Map(Adt(trigger, pv1: "PV1|1|N"));

        var entry = result.Transaction!.Entry.Single(e => e.Resource is Patient);
        Assert.That(entry.Request.Method, Is.EqualTo(Bundle.HTTPVerb.PUT));
        Assert.That(entry.Request.Url, Is.EqualTo($"Patient?identifier={KnownSystems.NhsNumber}|9990000018"));
        Assert.That(result.Transaction.Entry.Any(e => e.Resource is Encounter), Is.False);
    }

    [Test]
    public void Without_nhs_number_the_mrn_is_the_key()
    {
        var result = Map(Adt("A28", pid: "PID|||8000002^^^RMW00^MR||DEMO^PATIENT"));

        Assert.That(result.Transaction!.Entry[0].Request.Url,
            Is.EqualTo($"Patient?identifier={KnownSystems.SourceRecordIdBase}/mrn/RMW00|8000002"));
    }

    [Test]
    public void Nhs_number_with_HN_type_and_in_pid2_is_recognised()
    {
        var hn = Map(Adt("A28", pid: "PID|||40800000^^^MRENTR^MEDREC~9999999999^^^NHS^HN||ORANGE^BLOOD"));
        var pid2 = Map(Adt("A28", pid: "PID||9990000018^^^NHS|40800000^^^MRENTR||ORANGE^BLOOD"));

        Assert.That(Single<Patient>(hn).Identifier.Any(i => i.System == KnownSystems.NhsNumber && i.Value == "9999999999"), Is.True);
        Assert.That(Single<Patient>(hn).Identifier.Single(i => i.Value == "40800000").Type.Coding[0].Code, Is.EqualTo("MR"));
        Assert.That(Single<Patient>(pid2).Identifier.Any(i => i.System == KnownSystems.NhsNumber && i.Value == "9990000018"), Is.True);
    }

    [Test]
    public void Invalid_nhs_number_is_an_error_and_nothing_is_stored()
    {
        var result = Map(Adt("A01", pid: "PID|1||RR81^^^RR8^MR~9990000019^^^NHS^NH||SMITH^Anne"));

        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AE));
        Assert.That(result.Transaction, Is.Null);
        var problem = result.Problems.Single(p => p.Severity == Hl7v2Severity.Error);
        Assert.That(problem.Location, Is.EqualTo("PID-3"));
        Assert.That(problem.Code, Is.EqualTo(Hl7v2ErrorCode.DataTypeError));
    }

    [Test]
    public void Every_problem_is_collected()
    {
        var result = Map(Adt("A01", pid: "PID|1||9990000019^^^NHS^NH||SMITH^Anne||1980X|Q"));

        Assert.That(result.Problems.Select(p => p.Location), Is.SupersetOf(new[] { "PID-3", "PID-7", "PID-8" }));
    }

    [Test]
    public void Death_fields_map_to_deceased()
    {
        var dated = Map(Adt("A03", pid: Pid((29, "20240320083456"), (30, "Y"))));
        var flagged = Map(Adt("A03", pid: Pid((30, "Y"))));

        Assert.That(Single<Patient>(dated).Deceased, Is.TypeOf<FhirDateTime>());
        Assert.That(((FhirDateTime)Single<Patient>(dated).Deceased).Value, Is.EqualTo("2024-03-20T08:34:56+00:00"));
        Assert.That(((FhirBoolean)Single<Patient>(flagged).Deceased).Value, Is.True);
    }

    [Test]
    public void Missing_pv1_on_a_visit_event_is_an_error()
    {
        var result = Map("MSH|^~\\&|PAS|RR8|TIE|RR8|20240315101500||ADT^A01|C1|P|2.4\rPID|1||RR81^^^RR8^MR||SMITH\r");

        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AE));
        Assert.That(result.Problems.Single(p => p.Severity == Hl7v2Severity.Error).Code, Is.EqualTo(Hl7v2ErrorCode.SegmentSequenceError));
    }

    [TestCase("ADT^A15", Hl7v2ErrorCode.UnsupportedEventCode)]
    [TestCase("ADT^A60", Hl7v2ErrorCode.UnsupportedEventCode)]
    [TestCase("SIU^S12", Hl7v2ErrorCode.UnsupportedMessageType)]
    public void Unsupported_messages_are_rejected(string type, Hl7v2ErrorCode code)
    {
        var result = Map($"MSH|^~\\&|PAS|RR8|TIE|RR8|20240315101500||{type}|C1|P|2.4\rPID|1||RR81^^^RR8^MR||SMITH\r");

        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AR));
        Assert.That(result.Transaction, Is.Null);
        Assert.That(result.Problems.Single().Code, Is.EqualTo(code));
        Assert.That(result.Problems.Single().Location, Is.EqualTo("MSH-9"));
    }

    [Test]
    public void A40_returns_one_merge_per_pid_mrg_pair()
    {
        var result = _mapper.Map(_parser.Parse(Hl7v2Fixtures.Bytes("fhirconv-adt-a40-v2.8-two-merges.hl7")).Messages[0]);

        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AA));
        Assert.That(result.Merges, Has.Count.EqualTo(2));
        var bcbs = KnownSystems.SourceRecordIdBase + "/mrn/BCBS";
        Assert.That(result.Merges[0].Surviving, Is.EqualTo(new Hl7v2PatientIdentifier(bcbs, "12345")));
        Assert.That(result.Merges[0].Retired, Is.EqualTo(new[] { new Hl7v2PatientIdentifier(bcbs, "56789") }));
        Assert.That(result.Merges[1].Surviving.Value, Is.EqualTo("145"));
        Assert.That(result.Merges[1].Retired.Single().Value, Is.EqualTo("569"));
    }

    [Test]
    public void A40_prefers_the_nhs_number_for_the_survivor()
    {
        var result = Map("MSH|^~\\&|EPIC|RRV|||201207171525||ADT^A40|M1|P|2.4\rEVN|A40|201207171525\r" +
            "PID|||40800001^^^MRENTR^MEDREC~9999999999^^^NHS^HN||TEST^Merge\rMRG|40800000^^^MRENTR\r");

        var merge = result.Merges.Single();
        Assert.That(merge.Surviving, Is.EqualTo(new Hl7v2PatientIdentifier(KnownSystems.NhsNumber, "9999999999")));
        Assert.That(merge.SurvivingIdentifiers, Has.Count.EqualTo(2));
        Assert.That(merge.Retired.Single().System, Is.EqualTo(KnownSystems.SourceRecordIdBase + "/mrn/MRENTR"));
    }

    [Test]
    public void A40_without_mrg_is_an_error()
    {
        var result = Map("MSH|^~\\&|EPIC|RRV|||201207171525||ADT^A40|M1|P|2.4\rPID|||40800001^^^MRENTR^MR||TEST^Merge\r");

        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AE));
        Assert.That(result.Merges, Is.Empty);
    }

    [Test]
    public void Al1_and_dg1_map_to_allergy_and_condition()
    {
        var body = Adt("A01") + "AL1|1|DA|70618^Penicillin^RXNORM|SV|Hives~Wheeze|20200101\rDG1|1|I10|J45.9^Asthma^I10|Asthma|20240315|F\r";

        var result = Map(body);

        var allergy = Single<AllergyIntolerance>(result);
        Assert.That(allergy.Category.Single(), Is.EqualTo(AllergyIntolerance.AllergyIntoleranceCategory.Medication));
        Assert.That(allergy.Criticality, Is.EqualTo(AllergyIntolerance.AllergyIntoleranceCriticality.High));
        Assert.That(allergy.Code.Coding[0].Code, Is.EqualTo("70618"));
        Assert.That(allergy.Reaction[0].Manifestation.Select(m => m.Text), Is.EqualTo(new[] { "Hives", "Wheeze" }));
        Assert.That(allergy.ClinicalStatus.Coding[0].Code, Is.EqualTo("active"));
        var condition = Single<Condition>(result);
        Assert.That(condition.Code.Coding[0].System, Is.EqualTo(KnownSystems.Icd10));
        Assert.That(condition.Category[0].Coding[0].Code, Is.EqualTo("encounter-diagnosis"));
        Assert.That(condition.VerificationStatus.Coding[0].Code, Is.EqualTo("confirmed"));
        Assert.That(condition.Encounter.Reference, Does.StartWith("urn:uuid:"));
        var allergyEntry = result.Transaction!.Entry.Single(e => e.Resource is AllergyIntolerance);
        Assert.That(allergyEntry.Request.Url, Does.StartWith("AllergyIntolerance?identifier="));
    }

    private const string Oru = "MSH|^~\\&|WINPATH|RR8|ICE|RR8|20240315101500||ORU^R01^ORU_R01|R1|P|2.4\r" +
        "PID|1||RR81^^^RR8^MR~9990000018^^^NHS^NH||SMITH^Anne\r" +
        "OBR|1|ORD1^ICE|LAB1^WINPATH|FBC^Full blood count^WinPath|||20240315083000|||||||||||||||20240315101400+0000||HM|F\r" +
        "OBX|1|NM|HB^Haemoglobin^WinPath||135|g/L|115-165|N|||F|||20240315083000\r" +
        "OBX|2|NM|WBC^White cells^WinPath||<0.5|x10\\S\\9/L|4.0-11.0|L|||C\r" +
        "OBX|3|ST|COM^Comment^WinPath||Sample haemolysed||||||P\r" +
        "NTE|1|L|Repeat advised\r" +
        "OBX|4|CE|ORG^Organism^WinPath||STAAUR^Staphylococcus aureus^WinPath||||||F\r" +
        "OBX|5|SN|GLU^Glucose^LN||>^10.5|mmol/L|||||F\r" +
        "OBX|6|SN|TIT^Titre^WinPath||^1^:^64||||||F\r" +
        "OBX|7|DT|ONSET^Onset^WinPath||20240301||||||F\r" +
        "OBX|8|FT|REP^Report^WinPath||Line one~Line two||||||F\r" +
        "OBX|9|NM|X^Unknown status^WinPath||1||||||?\r" +
        "OBX|10|TX|TXT^Text^WinPath|2|free text||||||F\r";

    [Test]
    public void Oru_maps_report_and_observations_with_stable_identifiers()
    {
        var result = Map(Oru);

        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AA), string.Join("; ", result.Problems));
        var report = Single<DiagnosticReport>(result);
        Assert.That(report.Status, Is.EqualTo(DiagnosticReport.DiagnosticReportStatus.Final));
        Assert.That(report.Identifier[0].System, Is.EqualTo(KnownSystems.SourceRecordIdBase + "/filler-order/WINPATH"));
        Assert.That(report.Identifier[0].Value, Is.EqualTo("LAB1"));
        Assert.That(report.Category[0].Coding[0].Code, Is.EqualTo("HM"));
        Assert.That(report.Result, Has.Count.EqualTo(10));
        Assert.That(report.Issued, Is.EqualTo(new DateTimeOffset(2024, 3, 15, 10, 14, 0, TimeSpan.Zero)));

        var observations = result.Transaction!.Entry.Where(e => e.Resource is Observation).ToList();
        Assert.That(observations.Select(e => e.Request.Url).Distinct().Count(), Is.EqualTo(10));
        Assert.That(observations[0].Request.Url,
            Is.EqualTo($"Observation?identifier={KnownSystems.SourceRecordIdBase}/observation/WINPATH|LAB1-1"));
        Assert.That(observations[9].Request.Url, Does.EndWith("|LAB1-10-2"));

        var obs = observations.Select(e => (Observation)e.Resource).ToList();
        var hb = (Quantity)obs[0].Value;
        Assert.That(hb.Value, Is.EqualTo(135m));
        Assert.That(hb.System, Is.EqualTo(KnownSystems.Ucum));
        Assert.That(hb.Code, Is.EqualTo("g/L"));
        Assert.That(obs[0].ReferenceRange[0].Text, Is.EqualTo("115-165"));
        Assert.That(obs[0].Interpretation[0].Coding[0].Code, Is.EqualTo("N"));
        Assert.That(((FhirDateTime)obs[0].Effective).Value, Is.EqualTo("2024-03-15T08:30:00+00:00"));
        var wbc = (Quantity)obs[1].Value;
        Assert.That(wbc.Comparator, Is.EqualTo(Quantity.QuantityComparator.LessThan));
        Assert.That(wbc.Code, Is.EqualTo("10*9/L"));
        Assert.That(obs[1].Status, Is.EqualTo(ObservationStatus.Corrected));
        Assert.That(((FhirString)obs[2].Value).Value, Is.EqualTo("Sample haemolysed"));
        Assert.That(obs[2].Status, Is.EqualTo(ObservationStatus.Preliminary));
        Assert.That(obs[2].Note[0].Text, Is.EqualTo("Repeat advised"));
        Assert.That(((CodeableConcept)obs[3].Value).Coding[0].Code, Is.EqualTo("STAAUR"));
        var glucose = (Quantity)obs[4].Value;
        Assert.That(glucose.Comparator, Is.EqualTo(Quantity.QuantityComparator.GreaterThan));
        Assert.That(glucose.Value, Is.EqualTo(10.5m));
        Assert.That(obs[4].Code.Coding[0].System, Is.EqualTo(KnownSystems.Loinc));
        Assert.That(obs[5].Value, Is.TypeOf<Ratio>());
        Assert.That(((FhirDateTime)obs[6].Value).Value, Is.EqualTo("2024-03-01"));
        Assert.That(((FhirString)obs[7].Value).Value, Is.EqualTo("Line one\nLine two"));
        Assert.That(obs[8].Status, Is.EqualTo(ObservationStatus.Unknown));
        var warning = result.Problems.Single(p => p.Severity == Hl7v2Severity.Warning);
        Assert.That(warning.Code, Is.EqualTo(Hl7v2ErrorCode.TableValueNotFound));
        Assert.That(warning.Location, Is.EqualTo("OBX[9]-11"));
    }

    [Test]
    public void Resending_an_oru_gives_the_same_conditional_urls()
    {
        var first = Map(Oru).Transaction!.Entry.Select(e => e.Request.Url + e.Request.IfNoneExist);
        var second = Map(Oru).Transaction!.Entry.Select(e => e.Request.Url + e.Request.IfNoneExist);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Oru_without_filler_or_placer_is_an_error()
    {
        var result = Map("MSH|^~\\&|LAB|RR8|||20240315||ORU^R01|R2|P|2.4\rPID|1||RR81^^^RR8^MR\rOBR|1|||FBC^Full blood count\rOBX|1|NM|HB^Hb||1||||||F\r");

        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AE));
        Assert.That(result.Problems.Single(p => p.Severity == Hl7v2Severity.Error).Location, Is.EqualTo("OBR-3"));
    }

    [Test]
    public void Nm_that_is_not_a_number_is_kept_as_text_with_a_warning()
    {
        var result = Map("MSH|^~\\&|LAB|RR8|||20240315||ORU^R01|R3|P|2.3\rPID|1||RR81^^^RR8^MR\rOBR|1||L1|FBC^FBC|||||||||||||||||||F\rOBX|1|NM|X^X||?7|nmol/L|||||F\rOBX|2|NM|Y^Y||||||||F\r");

        Assert.That(result.AckCode, Is.EqualTo(Hl7v2AckCode.AA));
        var observations = result.Transaction!.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        Assert.That(((FhirString)observations[0].Value).Value, Is.EqualTo("?7"));
        Assert.That(observations[1].DataAbsentReason.Coding[0].Code, Is.EqualTo("unknown"));
    }

    [Test]
    public void Metadata_is_returned()
    {
        var result = Map(Oru);

        Assert.That((result.MessageType, result.TriggerEvent, result.ControlId, result.SendingApplication, result.SendingFacility, result.Version),
            Is.EqualTo(("ORU", "R01", "R1", "WINPATH", "RR8", "2.4")));
    }
}
