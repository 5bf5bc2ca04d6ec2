using System.Text;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// Reads HL7 v2 ER7 ("pipe and hat") text into <see cref="Hl7v2Message"/>s. Lenient on the things
/// real feeds get wrong (LF or CRLF instead of CR, a UTF-8 BOM, blank lines, several messages in
/// one body, leftover MLLP framing bytes, the literal <c>\r</c> some v2.2 exports write before
/// each line end, a doubled escape character in MSH-2) and strict where guessing would corrupt
/// data: every problem is collected, nothing throws. See docs/decisions/0003-own-hl7v2-parser.md.
/// </summary>
public sealed class Hl7v2Parser
{
    private const char MllpStartBlock = '\u000B';
    private const char MllpEndBlock = '\u001C';

    // Segment ids of HL7 v2.1-2.8 a hospital feed may send us; anything else that is not a Z-segment
    // is most likely the tail of a line-wrapped segment (e.g. "LAB|..." split out of an OBR).
    private static readonly HashSet<string> KnownSegmentIds =
    [
        "MSH", "EVN", "PID", "PD1", "PV1", "PV2", "NK1", "MRG", "OBR", "OBX", "ORC", "NTE", "AL1", "IAM", "DG1", "DRG",
        "PR1", "ROL", "GT1", "IN1", "IN2", "IN3", "ACC", "UB1", "UB2", "PDA", "DB1", "SFT", "SPM", "TQ1", "TQ2", "CTD",
        "CTI", "FT1", "ADD", "BHS", "BTS", "FHS", "FTS", "MSA", "ERR", "QRD", "QRF", "ARV", "RF1", "PRT", "TXA", "SAC",
        "CON", "NPU", "AUT", "PRD", "PRA", "STF", "LOC", "RXA", "RXR", "RXE", "RXO", "RXC", "RXD", "RXG", "DSC", "DSP",
        "QAK", "QPD", "RCP", "GP1", "GP2", "ABS", "BLG", "OM1", "OM2", "OM3", "OM4", "CSR", "CSP", "CSS",
        "PSH", "PCR", "PES", "PEO", "FAC", "VAR", "UAC", "ECD", "EQU", "INV", "IPC", "OVR", "NST", "NSC",
    ];

    /// <summary>Decodes <paramref name="body"/> (UTF-8, or Latin-1 when MSH-18 says 8859/1) and parses it.</summary>
    public Hl7v2ParseResult Parse(ReadOnlySpan<byte> body) => Parse(Hl7v2TextDecoder.Decode(body));

    /// <summary>Splits <paramref name="body"/> into messages (each starts at an MSH line) and parses each.</summary>
    public Hl7v2ParseResult Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var orphanProblems = new List<Hl7v2Problem>();
        var messages = new List<Hl7v2Message>();
        var lines = SplitLines(body, out var endsWithTerminator);

        List<string>? current = null;
        var orphanLines = 0;
        var framingResidue = false;
        foreach (var line in lines)
        {
            var text = line;
            if (text.Length > 0 && (text[0] == MllpStartBlock || text[^1] == MllpEndBlock))
            {
                text = text.Trim(MllpStartBlock, MllpEndBlock);
                framingResidue = true;
            }
            if (string.IsNullOrWhiteSpace(text)) continue; // blank lines separate batched messages
            if (text.StartsWith("MSH", StringComparison.Ordinal))
            {
                if (current is not null) messages.Add(ParseMessage(current, lastSegmentUnterminated: false, framingResidue));
                current = [text];
                framingResidue = false;
                continue;
            }
            if (current is null) orphanLines++;
            else current.Add(text);
        }
        if (current is not null) messages.Add(ParseMessage(current, !endsWithTerminator, framingResidue));

        if (orphanLines > 0)
        {
            orphanProblems.Add(messages.Count == 0
                ? new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.SegmentSequenceError,
                    "No MSH segment: the body is not an HL7 v2 message.", "MSH", Rejects: true)
                : new Hl7v2Problem(Hl7v2Severity.Warning, Hl7v2ErrorCode.SegmentSequenceError,
                    $"{orphanLines} line(s) before the first MSH segment were ignored."));
        }
        else if (messages.Count == 0)
        {
            orphanProblems.Add(new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.SegmentSequenceError,
                "The body is empty.", "MSH", Rejects: true));
        }
        return new Hl7v2ParseResult(messages, orphanProblems);
    }

    private static List<string> SplitLines(string body, out bool endsWithTerminator)
    {
        if (body.Length > 0 && body[0] == '\uFEFF') body = body[1..];
        // Trailing whitespace after the last terminator (and MLLP end bytes) does not make a segment truncated.
        var trimmed = body.TrimEnd(' ', '\t', MllpEndBlock);
        endsWithTerminator = trimmed.Length == 0 || trimmed[^1] is '\r' or '\n';
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] is not ('\r' or '\n')) continue;
            lines.Add(body[start..i]);
            if (body[i] == '\r' && i + 1 < body.Length && body[i + 1] == '\n') i++;
            start = i + 1;
        }
        if (start < body.Length) lines.Add(body[start..]);
        return lines;
    }

    private static Hl7v2Message ParseMessage(List<string> lines, bool lastSegmentUnterminated, bool framingResidue)
    {
        var problems = new List<Hl7v2Problem>();
        if (framingResidue)
            problems.Add(new Hl7v2Problem(Hl7v2Severity.Information, Hl7v2ErrorCode.SegmentSequenceError,
                "MLLP framing bytes (0x0B/0x1C) found in the body were removed."));

        // Some v2.2 exports write the two characters "\r" before every real line end. A literal "\r" at
        // the end of a line can never be a valid escape (it has no closing escape character), so drop it.
        var literalCrEnds = lines.Count(l => l.EndsWith("\\r", StringComparison.Ordinal));
        if (literalCrEnds > 0 && literalCrEnds >= lines.Count - 1)
        {
            for (var i = 0; i < lines.Count; i++)
                if (lines[i].EndsWith("\\r", StringComparison.Ordinal)) lines[i] = lines[i][..^2];
            problems.Add(new Hl7v2Problem(Hl7v2Severity.Information, Hl7v2ErrorCode.SegmentSequenceError,
                "Segments ended with the literal text \\r; it was removed."));
        }

        var msh = lines[0];
        var encoding = ReadEncodingCharacters(msh, problems);
        var latin1 = false;
        var segments = new List<Hl7v2Segment>(lines.Count);
        var sequences = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var id = line.Length >= 3 ? line[..3] : line;
            var wellFormed = line.Length >= 3 && IsSegmentId(id) && (line.Length == 3 || line[3] == encoding.Field);
            if (!wellFormed)
            {
                // A line that is not a segment is usually the wrapped tail of the previous one; its data is lost.
                problems.Add(new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.SegmentSequenceError,
                    $"Line {i + 1} is not a segment (starts '{Shorten(line)}'); the previous segment was probably wrapped.",
                    SegmentIndex: segments.Count));
                continue;
            }
            sequences[id] = sequences.GetValueOrDefault(id) + 1;
            var fields = SplitFields(line, id, encoding);
            var segment = new Hl7v2Segment(line, fields, segments.Count, sequences[id], encoding, latin1);
            if (i == 0)
            {
                latin1 = Hl7v2TextDecoder.IsLatin1(segment.Get(18, 1));
                if (latin1) segment = new Hl7v2Segment(line, fields, 0, 1, encoding, latin1);
            }
            segments.Add(segment);
            if (!KnownSegmentIds.Contains(id) && id[0] != 'Z')
            {
                problems.Add(new Hl7v2Problem(Hl7v2Severity.Warning, Hl7v2ErrorCode.SegmentSequenceError,
                    $"Unknown segment '{id}' ignored; it may be the tail of a line-wrapped segment.",
                    id, sequences[id], SegmentIndex: segment.Index));
            }
        }

        if (lastSegmentUnterminated && segments.Count > 0)
        {
            var last = segments[^1];
            problems.Add(new Hl7v2Problem(Hl7v2Severity.Information, Hl7v2ErrorCode.SegmentSequenceError,
                "The last segment has no terminator; if values look cut short the message was truncated.",
                last.Id, last.Sequence, SegmentIndex: last.Index));
        }
        return new Hl7v2Message(segments, encoding, problems);
    }

    private static Hl7v2EncodingCharacters ReadEncodingCharacters(string msh, List<Hl7v2Problem> problems)
    {
        Hl7v2Problem Reject(string text, int field) => new(Hl7v2Severity.Error, Hl7v2ErrorCode.DataTypeError, text,
            "MSH", 1, field, SegmentIndex: 0, Rejects: true);

        if (msh.Length < 4 || char.IsLetterOrDigit(msh[3]) || char.IsWhiteSpace(msh[3]))
        {
            problems.Add(Reject("MSH-1 field separator is missing or invalid.", 1));
            return Hl7v2EncodingCharacters.Standard;
        }
        var field = msh[3];
        var end = msh.IndexOf(field, 4);
        var declared = end < 0 ? msh[4..] : msh[4..end];

        // Seen in a v2.2 export: "^~\\&", the escape character doubled by a string literal upstream.
        if (declared == "^~\\\\&")
        {
            problems.Add(new Hl7v2Problem(Hl7v2Severity.Information, Hl7v2ErrorCode.DataTypeError,
                "MSH-2 '^~\\\\&' read as '^~\\&' (doubled escape character).", "MSH", 1, 2, SegmentIndex: 0));
            return Hl7v2EncodingCharacters.Standard with { Field = field };
        }
        if (declared.Length is < 4 or > 5)
        {
            problems.Add(Reject($"MSH-2 encoding characters '{declared}' must be 4 characters (5 with the truncation character).", 2));
            return Hl7v2EncodingCharacters.Standard with { Field = field };
        }
        var all = (field + declared).ToCharArray();
        if (all.Distinct().Count() != all.Length || all.Any(c => char.IsLetterOrDigit(c) || char.IsWhiteSpace(c)))
        {
            problems.Add(Reject($"MSH-2 encoding characters '{declared}' repeat a delimiter or use a letter, digit or space.", 2));
            return Hl7v2EncodingCharacters.Standard with { Field = field };
        }
        return new Hl7v2EncodingCharacters(field, declared[0], declared[1], declared[2], declared[3],
            declared.Length == 5 ? declared[4] : null);
    }

    private static string[] SplitFields(string line, string id, Hl7v2EncodingCharacters encoding)
    {
        var parts = line.Split(encoding.Field);
        if (id != "MSH") return parts;
        // MSH-1 is the field separator itself, so the split is one short: put it back at index 1.
        var fields = new string[parts.Length + 1];
        fields[0] = "MSH";
        fields[1] = encoding.Field.ToString();
        Array.Copy(parts, 1, fields, 2, parts.Length - 1);
        return fields;
    }

    private static bool IsSegmentId(string id) =>
        id.Length == 3 && char.IsAsciiLetterUpper(id[0]) && (char.IsAsciiLetterUpper(id[1]) || char.IsAsciiDigit(id[1]))
        && (char.IsAsciiLetterUpper(id[2]) || char.IsAsciiDigit(id[2]));

    private static string Shorten(string line)
    {
        var text = new StringBuilder();
        foreach (var c in line.Take(20)) text.Append(char.IsControl(c) ? '?' : c);
        return text.ToString();
    }
}
