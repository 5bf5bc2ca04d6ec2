using System.Globalization;
using System.Text;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// Builds original-mode acknowledgments (HL7 v2.5 chapter 2.9.2): an MSH that swaps sender and
/// receiver and keeps the version, an MSA with the original control id, and one ERR segment per
/// error or warning. ACKs always use the standard delimiters <c>|^~\&amp;</c> and CR terminators.
/// </summary>
public sealed class Hl7v2AckBuilder
{
    private static readonly Hl7v2EncodingCharacters Out = Hl7v2EncodingCharacters.Standard;
    private readonly TimeProvider _time;
    private readonly string _application;
    private readonly string _facility;

    /// <param name="timeProvider">Clock for MSH-7; the system clock when null.</param>
    /// <param name="application">Our MSH-3 when the original has no MSH-5 to swap in.</param>
    /// <param name="facility">Our MSH-4 when the original has no MSH-6 to swap in.</param>
    public Hl7v2AckBuilder(TimeProvider? timeProvider = null, string application = "INTEROP", string facility = "INTEROP")
    {
        _time = timeProvider ?? TimeProvider.System;
        _application = application;
        _facility = facility;
    }

    /// <summary>AR when any problem rejects the message, AE when any is an error, otherwise AA.</summary>
    public static Hl7v2AckCode DecideAckCode(IEnumerable<Hl7v2Problem> problems)
    {
        var list = problems as IReadOnlyCollection<Hl7v2Problem> ?? problems.ToList();
        if (list.Any(p => p.Rejects)) return Hl7v2AckCode.AR;
        return list.Any(p => p.Severity == Hl7v2Severity.Error) ? Hl7v2AckCode.AE : Hl7v2AckCode.AA;
    }

    /// <summary>The ACK for a mapping result (code and ERR segments from <see cref="Hl7v2MappingResult.Problems"/>).</summary>
    public string Build(Hl7v2Message original, Hl7v2MappingResult result) => Build(original, result.AckCode, result.Problems);

    /// <summary>
    /// The ACK for <paramref name="original"/> with an explicit code, e.g. AE with a 207 problem when
    /// storing the mapped bundle failed. Information-level problems are not written.
    /// </summary>
    public string Build(Hl7v2Message original, Hl7v2AckCode code, IEnumerable<Hl7v2Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(original);
        var msh = original.Msh;
        var version = msh is null ? "" : Reencode(original, msh, 12);
        var receivingApp = msh is null ? "" : Reencode(original, msh, 5);
        var receivingFacility = msh is null ? "" : Reencode(original, msh, 6);
        var header = new AckHeader(
            SendingApplication: receivingApp.Length > 0 ? receivingApp : Escape(_application),
            SendingFacility: receivingFacility.Length > 0 ? receivingFacility : Escape(_facility),
            ReceivingApplication: msh is null ? "" : Reencode(original, msh, 3),
            ReceivingFacility: msh is null ? "" : Reencode(original, msh, 4),
            Trigger: original.TriggerEvent,
            ProcessingId: msh is null ? "P" : Reencode(original, msh, 11) is { Length: > 0 } p ? p : "P",
            Version: version.Length > 0 ? version : "2.5",
            VersionNumber: original.Version);
        return Write(header, code, original.ControlId, problems);
    }

    /// <summary>An AR for a body with no readable MSH (no control id to echo; default sender and version 2.5).</summary>
    public string BuildUnreadable(IEnumerable<Hl7v2Problem> problems) =>
        Write(new AckHeader(Escape(_application), Escape(_facility), "", "", null, "P", "2.5", "2.5"),
            Hl7v2AckCode.AR, null, problems);

    private string Write(AckHeader header, Hl7v2AckCode code, string? originalControlId, IEnumerable<Hl7v2Problem> problems)
    {
        var written = problems.Where(p => p.Severity != Hl7v2Severity.Information).ToList();
        var before25 = IsBefore(header.VersionNumber, 2, 5);
        var messageType = IsBefore(header.VersionNumber, 2, 3, 1) || header.Trigger is null
            ? header.Trigger is null ? "ACK" : $"ACK^{Escape(header.Trigger)}"
            : $"ACK^{Escape(header.Trigger)}^ACK";
        var now = _time.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "+0000";
        var controlId = Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();

        var ack = new StringBuilder();
        ack.Append("MSH|^~\\&|").AppendJoin('|', header.SendingApplication, header.SendingFacility, header.ReceivingApplication,
            header.ReceivingFacility, now, "", messageType, controlId, header.ProcessingId, header.Version).Append('\r');
        ack.Append("MSA|").Append(code).Append('|').Append(Escape(originalControlId ?? ""));
        var firstError = written.FirstOrDefault(p => p.Severity == Hl7v2Severity.Error);
        if (code != Hl7v2AckCode.AA && firstError is not null) ack.Append('|').Append(Escape(Shorten(firstError.Text, 80)));
        ack.Append('\r');
        foreach (var problem in written) ack.Append(ErrSegment(problem, before25)).Append('\r');
        return ack.ToString();
    }

    /// <summary>
    /// ERR for v2.5+: ERR-2 location (ERL), ERR-3 code (CWE, table 0357), ERR-4 severity, ERR-8 text.
    /// Before v2.5 the only field was ERR-1 (ELD: segment^sequence^field^code), so it is filled too.
    /// </summary>
    private static string ErrSegment(Hl7v2Problem problem, bool before25)
    {
        var code = (int)problem.Code;
        var codeText = CodeText(problem.Code);
        var sequence = (problem.SegmentSequence ?? 1).ToString(CultureInfo.InvariantCulture);
        var field = problem.FieldPosition?.ToString(CultureInfo.InvariantCulture) ?? "";
        var location = problem.SegmentId is null ? "" : $"{problem.SegmentId}^{sequence}^{field}";
        if (problem.SegmentId is not null && problem.Component is { } component) location += $"^^{component}";
        location = location.TrimEnd('^');
        var eld = before25
            ? problem.SegmentId is null
                ? $"^^^{code}&{Escape(codeText)}&HL70357"
                : $"{problem.SegmentId}^{sequence}^{field}^{code}&{Escape(codeText)}&HL70357"
            : "";
        var severity = problem.Severity == Hl7v2Severity.Error ? "E" : "W";
        return $"ERR|{eld}|{location}|{code}^{Escape(codeText)}^HL70357|{severity}||||{Escape(problem.Text)}";
    }

    private static string CodeText(Hl7v2ErrorCode code) => code switch
    {
        Hl7v2ErrorCode.MessageAccepted => "Message accepted",
        Hl7v2ErrorCode.SegmentSequenceError => "Segment sequence error",
        Hl7v2ErrorCode.RequiredFieldMissing => "Required field missing",
        Hl7v2ErrorCode.DataTypeError => "Data type error",
        Hl7v2ErrorCode.TableValueNotFound => "Table value not found",
        Hl7v2ErrorCode.UnsupportedMessageType => "Unsupported message type",
        Hl7v2ErrorCode.UnsupportedEventCode => "Unsupported event code",
        Hl7v2ErrorCode.UnsupportedProcessingId => "Unsupported processing id",
        Hl7v2ErrorCode.UnsupportedVersionId => "Unsupported version id",
        Hl7v2ErrorCode.UnknownKeyIdentifier => "Unknown key identifier",
        Hl7v2ErrorCode.DuplicateKeyIdentifier => "Duplicate key identifier",
        Hl7v2ErrorCode.ApplicationRecordLocked => "Application record locked",
        _ => "Application internal error",
    };

    /// <summary>Copies a field of the original into the ACK, re-escaped for the standard delimiters.</summary>
    private static string Reencode(Hl7v2Message original, Hl7v2Segment segment, int position)
    {
        var enc = original.Encoding;
        var standard = enc.Field == Out.Field && enc.Component == Out.Component && enc.Repetition == Out.Repetition
            && enc.Escape == Out.Escape && enc.Subcomponent == Out.Subcomponent;
        return standard ? segment.GetRawField(position) : Rebuild(segment, position);
    }

    private static string Rebuild(Hl7v2Segment segment, int position) =>
        string.Join('~', segment.GetRepetitions(position).Select(rep =>
            string.Join('^', Enumerable.Range(1, rep.ComponentCount).Select(c =>
                string.Join('&', rep.GetSubcomponents(c).Select(Escape))))));

    private static string Escape(string value) => Hl7v2Escaping.Escape(value, Out);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 3)] + "...";

    /// <summary>True when the version is known and earlier than major.minor[.patch].</summary>
    private static bool IsBefore(string? version, int major, int minor, int patch = 0)
    {
        if (version is null || !System.Version.TryParse(version.Trim(), out var parsed)) return false;
        // "2.5" parses with Build = -1, which would sort before 2.5.0.
        var normalised = new Version(parsed.Major, parsed.Minor, Math.Max(0, parsed.Build));
        return normalised < new Version(major, minor, patch);
    }

    private sealed record AckHeader(
        string SendingApplication, string SendingFacility, string ReceivingApplication, string ReceivingFacility,
        string? Trigger, string ProcessingId, string Version, string? VersionNumber);
}
