namespace Interop.Adapters.Hl7v2;

/// <summary>Severity of an <see cref="Hl7v2Problem"/>; maps to ERR-4 (HL7 table 0516: E, W, I).</summary>
public enum Hl7v2Severity
{
    /// <summary>The message cannot be stored as sent (ACK AE, or AR when the problem rejects the message).</summary>
    Error,
    /// <summary>Stored, but something was ignored or guessed; reported in an ERR segment with an AA.</summary>
    Warning,
    /// <summary>Noted for logs only; not written to the ACK.</summary>
    Information,
}
