namespace Interop.Storage.Entities;

/// <summary>
/// An HL7 v2 message the gateway has stored, keyed by sending facility (MSH-4) and message control
/// id (MSH-10). A sender that did not get our ACK resends the same message; finding it here means
/// it is answered with the same ACK and stored only once (HL7 v2.5 chapter 2.10.1, duplicate
/// detection by MSH-10 per sender).
/// </summary>
public sealed class Hl7ProcessedMessageRow
{
    /// <summary>MSH-4.1, or an empty string when the sender left it empty.</summary>
    public string SendingFacility { get; set; } = "";

    /// <summary>MSH-10.</summary>
    public string ControlId { get; set; } = "";

    /// <summary>UTC microseconds since the Unix epoch.</summary>
    public long ProcessedAt { get; set; }

    /// <summary>MSA-1 of the ACK we answered (AA, AE).</summary>
    public string AckCode { get; set; } = "";

    /// <summary>The ACK message as sent, so a resend gets exactly the same answer.</summary>
    public string AckText { get; set; } = "";
}
