namespace Interop.Adapters.Hl7v2;

/// <summary>MSA-1 acknowledgment code in original mode (HL7 table 0008).</summary>
public enum Hl7v2AckCode
{
    /// <summary>Application accept: the message was stored.</summary>
    AA,
    /// <summary>Application error: the message was read but its content could not be stored; nothing was stored.</summary>
    AE,
    /// <summary>Application reject: unreadable, or a message type/event the gateway does not take. Do not resend unchanged.</summary>
    AR,
}
