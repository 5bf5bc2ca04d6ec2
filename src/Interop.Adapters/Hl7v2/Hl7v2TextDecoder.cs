using System.Text;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// Turns message bytes into text: UTF-8 by default, ISO 8859-1 when MSH-18 declares it (v2.5
/// table 0211 <c>8859/1</c>). MSH-18 is found by reading the bytes as Latin-1 first, which is
/// lossless for the ASCII MSH segment.
/// </summary>
public static class Hl7v2TextDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) return Encoding.UTF8.GetString(bytes[3..]);
        if (DeclaresLatin1(bytes)) return Encoding.Latin1.GetString(bytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Not valid UTF-8 and no MSH-18: Latin-1 keeps every byte rather than inserting U+FFFD.
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>True for MSH-18 values meaning ISO 8859-1 (<c>8859/1</c>, also seen as <c>ISO-8859-1</c>).</summary>
    public static bool IsLatin1(string? characterSet) =>
        characterSet is not null && (characterSet.Trim() is "8859/1" or "ISO-8859-1" or "ISO_8859-1" or "ISO8859-1");

    private static bool DeclaresLatin1(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 1024)]);
        var start = head.IndexOf("MSH", StringComparison.Ordinal);
        if (start < 0 || head.Length < start + 4) return false;
        var end = head.IndexOfAny(['\r', '\n'], start);
        var msh = end < 0 ? head[start..] : head[start..end];
        var fields = msh.Split(msh[3]);
        // fields[17] is MSH-18 because MSH-1 is the separator itself.
        return fields.Length > 17 && IsLatin1(fields[17].Split(fields.Length > 1 && fields[1].Length > 0 ? fields[1][0] : '^')[0]);
    }
}
