using Hl7.Fhir.Model;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// Maps a parsed HL7 v2 message to a FHIR R4 transaction Bundle, following the HL7 V2-to-FHIR IG
/// segment maps with UK conventions (domain notes section 5). Supported: ADT^A01, A03, A04, A08,
/// A28, A31, A40 and ORU^R01. Never throws: every problem comes back in the result, and a message
/// with any error yields no transaction (stored whole or not at all). See docs/adapters/hl7v2.md.
/// </summary>
public sealed class Hl7v2ToFhirMapper
{
    /// <summary>The message types and events this mapper ingests (MSH-9.1^MSH-9.2).</summary>
    public static IReadOnlySet<string> SupportedEvents { get; } =
        new HashSet<string>(["ADT^A01", "ADT^A03", "ADT^A04", "ADT^A08", "ADT^A28", "ADT^A31", "ADT^A40", "ORU^R01"]);

    private static readonly HashSet<string> DemographicUpdates = ["A08", "A28", "A31"];
    private static readonly HashSet<string> VisitEvents = ["A01", "A03", "A04"];

    private readonly TimeZoneInfo _senderTimeZone;

    /// <param name="senderTimeZone">
    /// Zone for v2 times sent without an offset (FHIR needs one); Europe/London when null and the
    /// zone database has it, else UTC.
    /// </param>
    public Hl7v2ToFhirMapper(TimeZoneInfo? senderTimeZone = null)
    {
        _senderTimeZone = senderTimeZone ?? LondonOrUtc();
    }

    /// <summary>Maps one message. Parse problems of the message are included in the result.</summary>
    public Hl7v2MappingResult Map(Hl7v2Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var context = new Hl7v2MappingContext(message, _senderTimeZone);
        context.Problems.AddRange(message.ParseProblems);
        var merges = new List<Hl7v2Merge>();
        try
        {
            if (!message.ParseProblems.Any(p => p.Rejects) && CheckHeader(context))
            {
                if (message.MessageType == "ORU") MapResults(context);
                else if (message.TriggerEvent == "A40") MapMerges(context, merges);
                else MapAdt(context, message.TriggerEvent!);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A bug of ours must not lose the message silently or kill the listener: AE with 207.
            context.Error(Hl7v2ErrorCode.ApplicationInternalError, $"Mapping failed: {exception.GetType().Name}: {exception.Message}");
        }

        var stored = context.Problems.All(p => p.Severity != Hl7v2Severity.Error) && context.Entries.Count > 0;
        return new Hl7v2MappingResult
        {
            Transaction = stored ? BuildTransaction(context) : null,
            Problems = context.Problems,
            Merges = stored ? merges : [],
            MessageType = message.MessageType,
            TriggerEvent = message.TriggerEvent,
            ControlId = message.ControlId,
            SendingApplication = message.SendingApplication,
            SendingFacility = message.SendingFacility,
            Version = message.Version,
            ProcessingId = message.ProcessingId,
        };
    }

    /// <summary>
    /// MSH checks that decide between mapping and rejecting. Unsupported types and events are AR
    /// (table 0008: "rejected ... unsupported message type or event"), as resending cannot help.
    /// </summary>
    private static bool CheckHeader(Hl7v2MappingContext context)
    {
        var message = context.Message;
        void Reject(Hl7v2ErrorCode code, string text, int field) => context.Problems.Add(
            new Hl7v2Problem(Hl7v2Severity.Error, code, text, "MSH", 1, field, SegmentIndex: 0, Rejects: true));

        if (message.ControlId is null) Reject(Hl7v2ErrorCode.RequiredFieldMissing, "MSH-10 message control id is empty.", 10);
        if (message.Version is { } version && !version.StartsWith("2.", StringComparison.Ordinal))
            Reject(Hl7v2ErrorCode.UnsupportedVersionId, $"MSH-12 version '{version}' is not HL7 v2.", 12);
        if (message.MessageType is null)
        {
            Reject(Hl7v2ErrorCode.RequiredFieldMissing, "MSH-9 message type is empty.", 9);
            return false;
        }
        if (message.MessageType is not ("ADT" or "ORU"))
        {
            Reject(Hl7v2ErrorCode.UnsupportedMessageType, $"Message type '{message.MessageType}' is not accepted (ADT and ORU only).", 9);
            return false;
        }
        var key = $"{message.MessageType}^{message.TriggerEvent}";
        if (!SupportedEvents.Contains(key))
        {
            Reject(Hl7v2ErrorCode.UnsupportedEventCode,
                $"Event '{key}' is not accepted; supported: {string.Join(", ", SupportedEvents)}.", 9);
            return false;
        }
        return !context.Problems.Any(p => p.Rejects);
    }

    private static void MapAdt(Hl7v2MappingContext context, string trigger)
    {
        var message = context.Message;
        var pid = message.GetSegment("PID");
        if (pid is null)
        {
            context.Error(Hl7v2ErrorCode.SegmentSequenceError, $"ADT^{trigger} has no PID segment.");
            return;
        }
        var mapped = Hl7v2PatientMapper.Map(context, pid, FollowingSegment(message, pid, "PD1"));
        if (mapped is null) return;
        Hl7v2PatientMapper.AddVerificationStatus(context, mapped.Patient, pid);
        // A08/A28/A31 carry the sender's current demographics: conditional update. Other events only
        // need the patient to exist: conditional create, so they never overwrite richer data.
        var patient = context.Add(mapped.Patient, DemographicUpdates.Contains(trigger)
            ? Hl7v2MappingContext.ConditionalUpdate("Patient", mapped.Key)
            : Hl7v2MappingContext.ConditionalCreate("Patient", mapped.Key));

        ResourceReference? encounter = null;
        var pv1 = message.GetSegment("PV1");
        if (VisitEvents.Contains(trigger))
        {
            if (pv1 is null) context.Error(Hl7v2ErrorCode.SegmentSequenceError, $"ADT^{trigger} has no PV1 segment.", pid);
            else encounter = Hl7v2EncounterMapper.Map(context, pv1, patient, trigger);
        }
        else if (trigger == "A08" && pv1 is not null && Hl7v2DataTypes.Clean(pv1.Get(19)) is not null)
        {
            // An A08 updates the visit too, but only one we can identify (PV1-19); otherwise it is demographics only.
            encounter = Hl7v2EncounterMapper.Map(context, pv1, patient, trigger);
        }

        foreach (var al1 in message.GetAll("AL1")) Hl7v2AllergyMapper.Map(context, al1, patient, mapped.Key);
        foreach (var dg1 in message.GetAll("DG1")) Hl7v2DiagnosisMapper.Map(context, dg1, patient, mapped.Key, encounter);
        if (message.GetAll("OBX").Count > 0)
            context.Information(Hl7v2ErrorCode.SegmentSequenceError, "OBX segments in an ADT message are not mapped.");
    }

    /// <summary>ORU^R01: PID starts a patient group, OBR a report in it, OBX an observation, NTE a note on the last OBX.</summary>
    private static void MapResults(Hl7v2MappingContext context)
    {
        var message = context.Message;
        ResourceReference? patient = null;
        var patientFailed = false;
        Hl7v2ResultMapper.ReportInProgress? report = null;
        var reportFailed = false;
        Observation? observation = null;
        Hl7v2Segment? orc = null;
        var reports = 0;
        foreach (var segment in message.Segments)
        {
            switch (segment.Id)
            {
                case "PID":
                    var mapped = Hl7v2PatientMapper.Map(context, segment, FollowingSegment(message, segment, "PD1"));
                    patientFailed = mapped is null;
                    report = null;
                    observation = null;
                    if (mapped is null) break;
                    Hl7v2PatientMapper.AddVerificationStatus(context, mapped.Patient, segment);
                    patient = context.Add(mapped.Patient, Hl7v2MappingContext.ConditionalCreate("Patient", mapped.Key));
                    break;
                case "ORC":
                    orc = segment;
                    break;
                case "OBR":
                    observation = null;
                    reports++;
                    if (patient is null)
                    {
                        if (!patientFailed)
                            context.Error(Hl7v2ErrorCode.SegmentSequenceError, "OBR before any PID: the result has no patient.", segment);
                        reportFailed = true;
                        break;
                    }
                    report = Hl7v2ResultMapper.MapReport(context, segment, orc, patient);
                    reportFailed = report is null;
                    orc = null;
                    break;
                case "OBX":
                    if (report is null || patient is null)
                    {
                        if (!reportFailed && !patientFailed)
                            context.Error(Hl7v2ErrorCode.SegmentSequenceError, "OBX outside an OBR group.", segment);
                        break;
                    }
                    observation = Hl7v2ResultMapper.MapObservation(context, segment, report, patient);
                    break;
                case "NTE" when observation is not null:
                    var note = string.Join('\n', segment.GetRepetitions(3).Select(r => r.GetComponentText(1) ?? "")).Trim();
                    if (note.Length > 0) observation.Note.Add(new Annotation { Text = new Markdown(note) });
                    break;
            }
        }
        if (!message.Segments.Any(s => s.Id == "PID"))
            context.Error(Hl7v2ErrorCode.SegmentSequenceError, "ORU^R01 has no PID segment.");
        else if (reports == 0)
            context.Warning(Hl7v2ErrorCode.SegmentSequenceError, "ORU^R01 has no OBR segment: no results to store.");
    }

    /// <summary>ADT^A40: one merge per PID/MRG pair; the surviving patient is also ensured to exist.</summary>
    private static void MapMerges(Hl7v2MappingContext context, List<Hl7v2Merge> merges)
    {
        var message = context.Message;
        var pids = message.GetAll("PID");
        if (pids.Count == 0) context.Error(Hl7v2ErrorCode.SegmentSequenceError, "ADT^A40 has no PID segment.");
        foreach (var pid in pids)
        {
            var mrg = FollowingSegment(message, pid, "MRG");
            if (mrg is null)
            {
                context.Error(Hl7v2ErrorCode.SegmentSequenceError, "PID is not followed by an MRG segment.", pid);
                continue;
            }
            var survivor = Hl7v2PatientMapper.Map(context, pid, FollowingSegment(message, pid, "PD1"));
            var retired = Hl7v2PatientMapper.ReadIdentifiers(context, mrg, 1);
            if (retired.Count == 0 && !context.Problems.Any(p => p.SegmentIndex == mrg.Index))
                context.Error(Hl7v2ErrorCode.RequiredFieldMissing, "MRG-1 prior patient identifier list is empty.", mrg, 1);
            if (survivor is null || retired.Count == 0) continue;
            Hl7v2PatientMapper.AddVerificationStatus(context, survivor.Patient, pid);
            context.Add(survivor.Patient, Hl7v2MappingContext.ConditionalCreate("Patient", survivor.Key));
            merges.Add(new Hl7v2Merge(
                ToToken(survivor.Key),
                survivor.Identifiers.Select(ToToken).ToList(),
                retired.Select(ToToken).ToList()));
        }
    }

    private static Hl7v2PatientIdentifier ToToken(Identifier identifier) => new(identifier.System ?? "", identifier.Value ?? "");

    /// <summary>The first <paramref name="id"/> segment after <paramref name="anchor"/> and before the next PID.</summary>
    private static Hl7v2Segment? FollowingSegment(Hl7v2Message message, Hl7v2Segment anchor, string id)
    {
        for (var i = anchor.Index + 1; i < message.Segments.Count; i++)
        {
            var segment = message.Segments[i];
            if (segment.Id == id) return segment;
            if (segment.Id == "PID") return null;
        }
        return null;
    }

    private static Bundle BuildTransaction(Hl7v2MappingContext context)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction, Entry = context.Entries };
        if (context.Message.ControlId is { } controlId)
            bundle.Identifier = new Identifier(Hl7v2MappingContext.SourceSystem("hl7v2-message", context.Source), controlId);
        return bundle;
    }

    private static TimeZoneInfo LondonOrUtc()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
