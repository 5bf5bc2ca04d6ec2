using System.Text;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// Minimal Lower Layer Protocol framing (HL7 v2 Transport Specification: MLLP, release 2):
/// <c>0x0B</c> message <c>0x1C 0x0D</c>.
/// </summary>
public static class MllpFraming
{
    public const byte StartBlock = 0x0B;
    public const byte EndBlock = 0x1C;
    public const byte CarriageReturn = 0x0D;

    /// <summary>Frames <paramref name="message"/> encoded as UTF-8.</summary>
    public static byte[] Frame(string message) => Frame(Encoding.UTF8.GetBytes(message));

    /// <summary>Frames already-encoded message bytes.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var framed = new byte[message.Length + 3];
        framed[0] = StartBlock;
        message.CopyTo(framed.AsSpan(1));
        framed[^2] = EndBlock;
        framed[^1] = CarriageReturn;
        return framed;
    }
}
