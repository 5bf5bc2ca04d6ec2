using System.Globalization;
using System.Text.RegularExpressions;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// One parsed ER7 message: its segments in order, the delimiters it declared, the problems found
/// while reading it, and typed accessors for the MSH fields the gateway routes and acknowledges on.
/// </summary>
public sealed partial class Hl7v2Message
{
    internal Hl7v2Message(IReadOnlyList<Hl7v2Segment> segments, Hl7v2EncodingCharacters encoding, IReadOnlyList<Hl7v2Problem> parseProblems)
    {
        Segments = segments;
        Encoding = encoding;
        ParseProblems = parseProblems;
    }

    public IReadOnlyList<Hl7v2Segment> Segments { get; }

    /// <summary>Delimiters from MSH-1/MSH-2 (the standard set when MSH-2 was unusable; see <see cref="ParseProblems"/>).</summary>
    public Hl7v2EncodingCharacters Encoding { get; }

    /// <summary>Problems found while reading this message (bad MSH-2, non-segment lines, unknown segment ids).</summary>
    public IReadOnlyList<Hl7v2Problem> ParseProblems { get; }

    /// <summary>The message re-joined with CR segment terminators, as HL7 prescribes.</summary>
    public string ToEr7() => string.Join('\r', Segments.Select(s => s.Raw)) + "\r";

    public Hl7v2Segment? Msh => Segments.Count > 0 && Segments[0].Id == "MSH" ? Segments[0] : null;

    /// <summary>MSH-9.1, e.g. <c>ADT</c> (trailing spaces, which some senders leave, are trimmed).</summary>
    public string? MessageType => Trimmed(Msh?.Get(9, 1));

    /// <summary>MSH-9.2, e.g. <c>A01</c>.</summary>
    public string? TriggerEvent => Trimmed(Msh?.Get(9, 2));

    /// <summary>MSH-9.3, e.g. <c>ADT_A01</c> (absent before v2.3.1).</summary>
    public string? MessageStructure => Trimmed(Msh?.Get(9, 3));

    /// <summary>MSH-10, echoed in MSA-2 and used by the caller for de-duplication.</summary>
    public string? ControlId => Trimmed(Msh?.Get(10));

    /// <summary>MSH-11.1: P production, T training, D debugging.</summary>
    public string? ProcessingId => Trimmed(Msh?.Get(11, 1));

    /// <summary>MSH-12.1 version id, e.g. <c>2.3.1</c> from <c>2.3.1^AUS&amp;&amp;ISO</c>.</summary>
    public string? Version => Trimmed(Msh?.Get(12, 1));

    /// <summary>MSH-3.1 sending application namespace id.</summary>
    public string? SendingApplication => Trimmed(Msh?.Get(3, 1));

    /// <summary>MSH-4.1 sending facility (in the NHS usually the trust's ODS code).</summary>
    public string? SendingFacility => Trimmed(Msh?.Get(4, 1));

    /// <summary>MSH-5.1 receiving application.</summary>
    public string? ReceivingApplication => Trimmed(Msh?.Get(5, 1));

    /// <summary>MSH-6.1 receiving facility.</summary>
    public string? ReceivingFacility => Trimmed(Msh?.Get(6, 1));

    /// <summary>MSH-18 character set (first repetition), e.g. <c>8859/1</c> or <c>UNICODE UTF-8</c>.</summary>
    public string? CharacterSet => Trimmed(Msh?.Get(18, 1));

    /// <summary>MSH-7 date/time of message, as sent.</summary>
    public string? DateTimeOfMessage => Trimmed(Msh?.Get(7, 1));

    /// <summary>The <paramref name="sequence"/>-th (1-based) segment with id <paramref name="segmentId"/>, or null.</summary>
    public Hl7v2Segment? GetSegment(string segmentId, int sequence = 1) =>
        Segments.Where(s => s.Id == segmentId).Skip(sequence - 1).FirstOrDefault();

    /// <summary>Every segment with id <paramref name="segmentId"/>, in message order.</summary>
    public IReadOnlyList<Hl7v2Segment> GetAll(string segmentId) => Segments.Where(s => s.Id == segmentId).ToArray();

    /// <summary>
    /// Unescaped value at a terser-style path: <c>PID-3</c> (first repetition, first component),
    /// <c>PID-3.4</c>, <c>PID-3.4.2</c>, <c>PID-3(2).1</c> (second repetition), <c>OBX[2]-5</c>
    /// (second OBX). Null when absent, empty or explicit null; throws only for a malformed path.
    /// </summary>
    public string? Get(string path)
    {
        var match = PathPattern().Match(path);
        if (!match.Success) throw new ArgumentException($"'{path}' is not a path like PID-3, PID-3.1 or OBX[2]-5(1).1.2.", nameof(path));
        int Number(string group, int fallback) =>
            match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : fallback;
        var segment = GetSegment(match.Groups["seg"].Value, Number("segrep", 1));
        return segment?.Get(Number("field", 1), Number("comp", 1), Number("sub", 1), Number("rep", 1));
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^(?<seg>[A-Z][A-Z0-9]{2})(\[(?<segrep>\d+)\])?-(?<field>\d+)(\((?<rep>\d+)\))?(\.(?<comp>\d+))?(\.(?<sub>\d+))?$")]
    private static partial Regex PathPattern();
}
