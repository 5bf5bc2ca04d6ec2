namespace Interop.Adapters.Hl7v2;

/// <summary>What <see cref="MllpFrameDecoder"/> found in the byte stream.</summary>
public enum MllpFrameKind
{
    /// <summary>A complete framed message; <see cref="MllpFrame.Payload"/> is its content.</summary>
    Message,
    /// <summary>A framed message larger than the limit; <see cref="MllpFrame.Payload"/> holds its first bytes only.</summary>
    Oversize,
    /// <summary>An HL7 message sent without MLLP framing; <see cref="MllpFrame.Payload"/> holds what arrived of it.</summary>
    Unframed,
}

/// <summary>One event of the decoder: a message, an oversize message, or unframed input.</summary>
public sealed record MllpFrame(MllpFrameKind Kind, byte[] Payload);
