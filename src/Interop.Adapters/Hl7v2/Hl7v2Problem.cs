namespace Interop.Adapters.Hl7v2;

/// <summary>
/// One thing wrong with a message, found while parsing or mapping. Everything found is collected;
/// each problem becomes one ERR segment in the ACK (see <see cref="Hl7v2AckBuilder"/>).
/// </summary>
/// <param name="Severity">Error (AE/AR), Warning (still AA) or Information (log only).</param>
/// <param name="Code">HL7 table 0357 code for ERR-3.</param>
/// <param name="Text">Human-readable explanation, written to ERR-8.</param>
/// <param name="SegmentId">Segment the problem is in, e.g. <c>PID</c>; null when it is about the whole message.</param>
/// <param name="SegmentSequence">1-based occurrence of that segment id in the message (ERR-2.2).</param>
/// <param name="FieldPosition">Field number (ERR-2.3), e.g. 3 for PID-3.</param>
/// <param name="Component">Component number (ERR-2.5), when the problem is inside one component.</param>
/// <param name="SegmentIndex">0-based position of the segment in the message (for logs).</param>
/// <param name="Rejects">True when the message as a whole is refused (unreadable, unsupported type): the ACK is AR, not AE.</param>
public sealed record Hl7v2Problem(
    Hl7v2Severity Severity,
    Hl7v2ErrorCode Code,
    string Text,
    string? SegmentId = null,
    int? SegmentSequence = null,
    int? FieldPosition = null,
    int? Component = null,
    int? SegmentIndex = null,
    bool Rejects = false)
{
    /// <summary>Location in the usual notation, e.g. <c>PID-3</c>, <c>OBX[2]-11</c>, <c>PID-5.1</c>; empty when message-level.</summary>
    public string Location
    {
        get
        {
            if (SegmentId is null) return "";
            var segment = SegmentSequence is > 1 ? $"{SegmentId}[{SegmentSequence}]" : SegmentId;
            if (FieldPosition is null) return segment;
            return Component is null ? $"{segment}-{FieldPosition}" : $"{segment}-{FieldPosition}.{Component}";
        }
    }

    public override string ToString() => Location.Length == 0
        ? $"{Severity} {(int)Code}: {Text}"
        : $"{Severity} {(int)Code} at {Location}: {Text}";
}
