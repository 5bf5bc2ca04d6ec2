using System.Net;
using System.Net.Sockets;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Api.Adapters;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Interop.Tests.Adapters.AdapterTestSupport;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Adapters;

/// <summary>HL7 v2 over <c>POST /adapters/hospital/hl7v2</c> and over MLLP (docs/adapters/hl7v2.md).</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class HospitalAdapterTests(StorageProvider provider) : ApiFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Adapters:Hospital:MllpEnabled"] = "true",
        ["Adapters:Hospital:MllpPort"] = "0",
        ["Adapters:Hospital:MllpAddress"] = "127.0.0.1",
        ["Adapters:Hospital:MllpOrganization"] = "RBQ",
        ["Adapters:Outbox:Enabled"] = "false",
    };

    [OneTimeSetUp]
    public async Task RegisterHospitalAsync() => await RegisterOrganizationAsync("RBQ");

    private async Task<string> PostAsync(string body, HttpClient? client = null)
    {
        var response = await (client ?? Client).PostAsync("/adapters/hospital/hl7v2", Hl7Body(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(Hl7MediaType));
        return text;
    }

    [TestCase("pipehat-adt-a01-v2.5-al1-dg1-escape-T.hl7", "Encounter")]
    [TestCase("pipehat-adt-a04-v2.4-dg1-nk1.hl7", "Encounter")]
    [TestCase("fhirconv-adt-a08-v2.8-al1-dg1.hl7", "Patient")]
    [TestCase("fhirconv-adt-a28-v2.8-al1-dg1.hl7", "Patient")]
    [TestCase("fhirconv-adt-a31-v2.8-al1-dg1.hl7", "Patient")]
    [TestCase("uk-inhealthcare-adt-a28-v2.4-nhs-number-pd1.hl7", "Patient")]
    [TestCase("pipehat-oru-r01-v2.5.1-cwe-dt-sn-spm.hl7", "Observation")]
    [TestCase("pipehat-oru-r01-v2.3-cbc-escape-S-T-zsegs.hl7", "DiagnosticReport")]
    public async Task Each_message_type_is_stored_and_acknowledged_AA(string fixture, string storedType)
    {
        // (The A08, A28 and A31 fixtures describe one patient: a later one may change nothing, so versions are not counted.)
        var ack = await PostAsync(Fixture("hl7v2", fixture));
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack.Replace('\r', '\n'));
        var kinds = await ((Func<Task<int>>)(storedType switch
        {
            "Encounter" => async () => (await CurrentAsync<Encounter>(Factory.Services, _ => true)).Count,
            "Observation" => async () => (await CurrentAsync<Observation>(Factory.Services, _ => true)).Count,
            "DiagnosticReport" => async () => (await CurrentAsync<DiagnosticReport>(Factory.Services, _ => true)).Count,
            _ => async () => (await CurrentAsync<Patient>(Factory.Services, _ => true)).Count,
        }))();
        Assert.That(kinds, Is.GreaterThan(0), $"a {storedType} was stored");
    }

    [Test]
    public async Task A_resent_control_id_is_stored_once_and_gets_the_same_ack()
    {
        var visit = NewKey("V");
        var message = Adt("A01", NewControlId(), Builders.NextNhsNumber(), NewKey("M"), visit);
        var first = await PostAsync(message);
        var versions = await VersionCountAsync(Factory.Services);
        var second = await PostAsync(message);

        Assert.That(MsaCode(first), Is.EqualTo("AA"), first);
        Assert.That(second, Is.EqualTo(first), "the resend is answered with the original ACK, byte for byte");
        Assert.That(await VersionCountAsync(Factory.Services), Is.EqualTo(versions), "nothing new was stored");
        Assert.That(await CurrentAsync<Encounter>(Factory.Services, e => e.Identifier.Any(i => i.Value == visit)), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Several_messages_in_one_body_get_one_ack_each_in_order()
    {
        var body = Adt("A01", NewControlId(), null, NewKey("M"), NewKey("V")) + "\r\n" +
                   "MSH|^~\\&|PAS|RBQ|INTEROP|INTEROP|20240601120000||SIU^S12|" + NewControlId() + "|P|2.5\r";
        var acks = await PostAsync(body);
        Assert.That(MsaCodes(acks), Is.EqualTo(new[] { "AA", "AR" }));
    }

    [Test]
    public async Task An_invalid_nhs_number_is_AE_with_an_ERR_segment_and_nothing_is_stored()
    {
        var mrn = NewKey("M");
        var ack = await PostAsync(Adt("A01", NewControlId(), "9434765918", mrn, NewKey("V")));
        Assert.That(MsaCode(ack), Is.EqualTo("AE"), ack);
        Assert.That(ack, Does.Contain("\rERR|"));
        Assert.That(await CurrentAsync<Patient>(Factory.Services, p => p.HasIdentifier(mrn)), Is.Empty);
    }

    [Test]
    public async Task An_unreadable_body_is_AR()
    {
        var ack = await PostAsync("this is not HL7\r");
        Assert.That(MsaCode(ack), Is.EqualTo("AR"), ack);
    }

    [Test]
    public async Task A_wrong_content_type_is_415()
    {
        var response = await Client.PostAsync("/adapters/hospital/hl7v2", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [Test]
    public async Task Without_a_token_the_endpoint_is_401_and_without_write_scopes_403()
    {
        using var anonymous = ClientWithToken(null);
        var unauthenticated = await anonymous.PostAsync("/adapters/hospital/hl7v2", Hl7Body(Adt("A01", NewControlId(), null, NewKey("M"), NewKey("V"))));
        Assert.That(unauthenticated.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var reader = ClientFor("RBQ", "clinician", "user/*.rs");
        var forbidden = await reader.PostAsync("/adapters/hospital/hl7v2", Hl7Body(Adt("A01", NewControlId(), null, NewKey("M"), NewKey("V"))));
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A40_merge_links_the_patients_and_repoints_the_retired_patients_records()
    {
        var retiredVisit = NewKey("V");
        var (survivingMrn, retiredMrn, survivor, retired) = await AdmitPairAsync(retiredVisit);

        var ack = await PostAsync(Merge(NewControlId(), survivingMrn, retiredMrn));
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);

        var encounter = (await CurrentAsync<Encounter>(Factory.Services, e => e.Identifier.Any(i => i.Value == retiredVisit))).Single();
        Assert.That(encounter.Subject.Reference, Is.EqualTo($"Patient/{survivor.Id}"));
        Assert.That(encounter.Meta.VersionId, Is.EqualTo("2"), "re-pointing is a new version; history keeps the old one");
        var retiredNow = (await CurrentAsync<Patient>(Factory.Services, p => p.Id == retired.Id)).Single();
        Assert.That(retiredNow.Link.Single().Type, Is.EqualTo(Patient.LinkType.ReplacedBy));
        Assert.That(retiredNow.Link.Single().Other.Reference, Is.EqualTo($"Patient/{survivor.Id}"));
        Assert.That(retiredNow.Active, Is.False);
        var survivorNow = (await CurrentAsync<Patient>(Factory.Services, p => p.Id == survivor.Id)).Single();
        Assert.That(survivorNow.Link.Single().Type, Is.EqualTo(Patient.LinkType.Replaces));
    }

    [Test]
    public async Task A40_merge_leaves_the_retired_patients_access_log_as_it_was()
    {
        var (survivingMrn, retiredMrn, _, retired) = await AdmitPairAsync();
        // A clinician reads the retired record: its AuditEvent is in that patient's compartment.
        using (var clinician = ClientFor("RBQ", "clinician", "user/*.rs"))
            Assert.That((await clinician.GetAsync($"/fhir/Patient/{retired.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var access = await AccessLogOfAsync(retired.Id!);

        var ack = await PostAsync(Merge(NewControlId(), survivingMrn, retiredMrn));

        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        var versions = await db.Resources.AsNoTracking().Where(r => r.ResourceType == "AuditEvent" && r.ResourceId == access.ResourceId)
            .Select(r => new { r.VersionId, r.IsCurrent }).ToListAsync();
        Assert.That(versions.Select(v => v.VersionId), Is.EqualTo(new[] { 1 }), "an AuditEvent records what happened; a merge does not rewrite it");
        Assert.That(await db.Compartments.AnyAsync(c => c.ResourceRowId == access.Id && c.PatientId == retired.Id), Is.True);
    }

    [Test]
    public async Task A40_merge_gives_the_surviving_patient_the_access_log_of_the_retired_record()
    {
        var (survivingMrn, retiredMrn, survivor, retired) = await AdmitPairAsync();
        using (var clinician = ClientFor("RBQ", "clinician", "user/*.rs"))
            Assert.That((await clinician.GetAsync($"/fhir/Patient/{retired.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AccessLogOfAsync(retired.Id!);
        using (var stillRetired = ClientFor("RBQ", "patient", "patient/*.rs", patient: retired.Id))
            // The retired patient's view is stored (not only waiting), so the merge copies a stored view.
            Assert.That(ReadsOf(await LogOfAsync(stillRetired), $"Patient/{retired.Id}"), Has.Count.EqualTo(1));
        // A second read just before the merge: its view is still waiting (or its journal row not yet materialised).
        using (var clinician = ClientFor("RBQ", "clinician", "user/*.rs"))
            Assert.That((await clinician.GetAsync($"/fhir/Patient/{retired.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That(MsaCode(await PostAsync(Merge(NewControlId(), survivingMrn, retiredMrn))), Is.EqualTo("AA"));

        using var me = ClientFor("RBQ", "patient", "patient/*.rs", patient: survivor.Id);
        var copied = ReadsOf(await LogOfAsync(me), $"Patient/{survivor.Id}");
        Assert.That(copied, Has.Count.EqualTo(2), "the survivor's log names both of the clinician's reads of the merged record");
        foreach (var view in copied)
        {
            Assert.That(view.Entity.Single(e => e.What?.Reference == $"Patient/{survivor.Id}").Description, Does.Contain($"Patient/{retired.Id}"));
            Assert.That(view.Agent.Any(a => a.Who?.Identifier?.Value == "RBQ"), Is.True, "from which organisation");
            Assert.That(view.Meta.Security.Any(s => s.Code == "NOPAT"), Is.False);
        }
        using (var stillRetired = ClientFor("RBQ", "patient", "patient/*.rs", patient: retired.Id))
            Assert.That(ReadsOf(await LogOfAsync(stillRetired), $"Patient/{retired.Id}"), Has.Count.EqualTo(2), "the retired record's log keeps its own views");

        // The same merge again (another message) copies nothing twice.
        Assert.That(MsaCode(await PostAsync(Merge(NewControlId(), survivingMrn, retiredMrn))), Is.EqualTo("AA"));
        Assert.That(ReadsOf(await LogOfAsync(me), $"Patient/{survivor.Id}"), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task After_an_A40_merge_an_access_to_the_retired_record_is_in_the_survivors_access_log_too()
    {
        var (survivingMrn, retiredMrn, survivor, retired) = await AdmitPairAsync();
        Assert.That(MsaCode(await PostAsync(Merge(NewControlId(), survivingMrn, retiredMrn))), Is.EqualTo("AA"));

        // A system that still holds the old id reads the retired record, and its history, after the merge.
        using (var clinician = ClientFor("RBQ", "clinician", "user/*.rs"))
        {
            Assert.That((await clinician.GetAsync($"/fhir/Patient/{retired.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await clinician.GetAsync($"/fhir/Patient/{retired.Id}/_history/1")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var me = ClientFor("RBQ", "patient", "patient/*.rs", patient: survivor.Id);
        var log = await LogOfAsync(me);
        var reads = log.Entry.Select(e => e.Resource).OfType<AuditEvent>()
            .Where(e => e.Subtype.Any(s => s.Code is "read" or "vread") && e.Entity.Any(x => x.What?.Reference == $"Patient/{retired.Id}"))
            .ToList();
        Assert.That(reads, Has.Count.EqualTo(2), "both accesses to the merged record after the merge");
        foreach (var view in reads)
        {
            Assert.That(view.Entity.Single(e => e.Role?.Code == "1").What.Reference, Is.EqualTo($"Patient/{survivor.Id}"), "the survivor's own view");
            Assert.That(view.Meta.Security.Any(s => s.Code == "NOPAT"), Is.False);
        }
        // The retired Patient as it is now links to the survivor (so it is in the survivor's compartment);
        // its first version, read through history, is the retired record alone, and the view says so.
        var vread = reads.Single(v => v.Subtype.Any(s => s.Code == "vread"));
        Assert.That(vread.Entity.Single(e => e.Role?.Code == "1").Description, Does.Contain($"Patient/{retired.Id}").And.Contain("merged into this one"));
        using (var stillRetired = ClientFor("RBQ", "patient", "patient/*.rs", patient: retired.Id))
            Assert.That(ReadsOf(await LogOfAsync(stillRetired), $"Patient/{retired.Id}"), Has.Count.EqualTo(1), "the retired record's own log has its read too");

        // Accesses to the survivor's own record are not marked as merged.
        using (var clinician = ClientFor("RBQ", "clinician", "user/*.rs"))
            Assert.That((await clinician.GetAsync($"/fhir/Patient/{survivor.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var own = ReadsOf(await LogOfAsync(me), $"Patient/{survivor.Id}").Where(v => v.Entity.All(e => e.What?.Reference != $"Patient/{retired.Id}")).ToList();
        Assert.That(own, Has.Count.EqualTo(1));
        Assert.That(own[0].Entity.Single(e => e.Role?.Code == "1").Description, Is.Null);
    }

    /// <summary>
    /// Two patients admitted (ADT^A01) to be merged: their MRNs and stored Patients (the retired one
    /// admitted for <paramref name="retiredVisit"/> when given).
    /// </summary>
    private async Task<(string SurvivingMrn, string RetiredMrn, Patient Survivor, Patient Retired)> AdmitPairAsync(string? retiredVisit = null)
    {
        var survivingMrn = NewKey("S");
        var retiredMrn = NewKey("R");
        Assert.That(MsaCode(await PostAsync(Adt("A01", NewControlId(), null, survivingMrn, NewKey("V")))), Is.EqualTo("AA"));
        Assert.That(MsaCode(await PostAsync(Adt("A01", NewControlId(), null, retiredMrn, retiredVisit ?? NewKey("V")))), Is.EqualTo("AA"));
        var survivor = (await CurrentAsync<Patient>(Factory.Services, p => p.HasIdentifier(survivingMrn))).Single();
        var retired = (await CurrentAsync<Patient>(Factory.Services, p => p.HasIdentifier(retiredMrn))).Single();
        return (survivingMrn, retiredMrn, survivor, retired);
    }

    private static async Task<Bundle> LogOfAsync(HttpClient patient)
    {
        var response = await patient.GetAsync("/fhir/AuditEvent?_count=100");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<Bundle>();
    }

    // The AuditEvents in `log` of a read (the clinician's) naming `patient` as the patient concerned.
    private static List<AuditEvent> ReadsOf(Bundle log, string patient) => log.Entry.Select(e => e.Resource).OfType<AuditEvent>()
        .Where(e => e.Subtype.Any(s => s.Code == "read") && e.Entity.Any(x => x.Role?.Code == "1" && x.What?.Reference == patient))
        .ToList();

    /// <summary>The first full AuditEvent stored in <paramref name="patientId"/>'s compartment (the materialiser stores them shortly after the request).</summary>
    private async Task<(long Id, string ResourceId)> AccessLogOfAsync(string patientId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using (var scope = Factory.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
                var found = await (from c in db.Compartments
                                   where c.PatientId == patientId && c.ResourceType == "AuditEvent"
                                   join r in db.Resources on c.ResourceRowId equals r.Id
                                   where r.IsCurrent
                                   select new { r.Id, r.ResourceId }).AsNoTracking().FirstOrDefaultAsync();
                if (found is not null) return (found.Id, found.ResourceId);
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"No AuditEvent was stored in Patient/{patientId}'s compartment.");
            await Task.Delay(50);
        }
    }

    [Test]
    public async Task Conflicting_demographics_keep_the_stored_patient_raise_a_flag_and_warn()
    {
        var nhs = Builders.NextNhsNumber();
        // Both verified (PID-32 NSTS01): one person, so the contradiction is a conflict, not a possible match.
        Assert.That(MsaCode(await PostAsync(Adt("A01", NewControlId(), nhs, NewKey("M"), NewKey("V"), family: "ORIGINAL", dob: "19500101", nhsStatus: "NSTS01"))), Is.EqualTo("AA"));
        var ack = await PostAsync(Adt("A08", NewControlId(), nhs, NewKey("M"), NewKey("V"), family: "DIFFERENT", dob: "19600101", nhsStatus: "NSTS01"));

        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        Assert.That(ack, Does.Contain("Conflicting demographics").Or.Contain("stored demographics were kept"));
        var patient = (await CurrentAsync<Patient>(Factory.Services, p => p.HasIdentifier(nhs))).Single();
        Assert.That(patient.Name[0].Family, Is.EqualTo("ORIGINAL"));
        Assert.That(patient.BirthDate, Is.EqualTo("1950-01-01"));
        var flags = await CurrentAsync<Flag>(Factory.Services, f => f.Subject.Reference == $"Patient/{patient.Id}");
        Assert.That(flags.Single().Code.Text, Does.StartWith("Conflicting demographics from"));
    }

    [Test]
    public async Task Mllp_messages_over_a_real_socket_are_stored_as_the_configured_organisation()
    {
        var port = Factory.Services.GetRequiredService<MllpListenerService>().Port;
        Assert.That(port, Is.GreaterThan(0));
        var visit = NewKey("V");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        var frame = new List<byte> { 0x0B };
        frame.AddRange(Encoding.UTF8.GetBytes(Adt("A01", NewControlId(), null, NewKey("M"), visit)));
        frame.AddRange([0x1C, 0x0D]);
        await stream.WriteAsync(frame.ToArray());

        var answer = new List<byte>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!(answer.Count >= 2 && answer[^2] == 0x1C && answer[^1] == 0x0D))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0) break;
            answer.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        Assert.That(answer[0], Is.EqualTo(0x0B), "the ACK is framed");
        var ack = Encoding.UTF8.GetString(answer.ToArray()[1..^2]);
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        var encounters = await db.Resources.AsNoTracking().Where(r => r.ResourceType == "Encounter" && r.IsCurrent && r.Json!.Contains(visit)).ToListAsync();
        Assert.That(encounters.Single().Custodian, Is.EqualTo("RBQ"));
    }

    [Test]
    public async Task A_hospital_clinician_reads_the_encounter_of_a_patient_who_came_from_a_gp_extract()
    {
        var nhs = Builders.NextNhsNumber();
        // Without the fixture's sharing flag (a refusal that would rightly make the read a 403).
        var json = System.Text.Json.Nodes.JsonNode.Parse(Fixture("gp", "full-extract.json").Replace("9434765919", nhs))!;
        json["patient"]!.AsObject().Remove("sharingFlags");
        var extract = json.ToJsonString();
        var pushed = await Client.PostAsync("/adapters/gp/extract", new StringContent(extract, Encoding.UTF8, "application/json"));
        Assert.That(pushed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await pushed.Content.ReadAsStringAsync());
        var gpPatient = (await CurrentAsync<Patient>(Factory.Services, p => p.HasIdentifier(nhs))).Single();

        var visit = NewKey("V");
        var ack = await PostAsync(Adt("A01", NewControlId(), nhs, NewKey("M"), visit, family: "SMITH", dob: "19610302", nhsStatus: "NSTS01"));
        Assert.That(MsaCode(ack), Is.EqualTo("AA"), ack);
        Assert.That(await CurrentAsync<Patient>(Factory.Services, p => p.HasIdentifier(nhs)), Has.Count.EqualTo(1), "one Patient per NHS number");
        var encounter = (await CurrentAsync<Encounter>(Factory.Services, e => e.Identifier.Any(i => i.Value == visit))).Single();
        Assert.That(encounter.Subject.Reference, Is.EqualTo($"Patient/{gpPatient.Id}"));

        using var clinician = ClientFor("RBQ", "clinician", "user/*.rs");
        var read = await clinician.SendAsync(HttpMethod.Get, $"/fhir/Encounter/{encounter.Id}");
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), await read.Content.ReadAsStringAsync());
        Assert.That((await read.ReadAsync<Encounter>()).Subject.Reference, Is.EqualTo($"Patient/{gpPatient.Id}"));
    }
}
