using System.Globalization;
using System.Text;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// HL7 v2 escape sequences (v2.5 chapter 2.7): <c>\F\ \S\ \T\ \R\ \E\</c> for the delimiters,
/// <c>\Xhh..\</c> for raw bytes, <c>\.br\</c> and friends for formatted text, <c>\H\ \N\</c> for
/// highlighting. Anything else between escape characters is kept as literal text, because real
/// feeds send unescaped Windows paths such as <c>C:\MIME\...</c>.
/// </summary>
public static class Hl7v2Escaping
{
    /// <summary>Replaces escape sequences in <paramref name="value"/> with the text they stand for.</summary>
    /// <param name="value">Text of one component or subcomponent, still escaped.</param>
    /// <param name="encoding">The delimiters of the message the value came from.</param>
    /// <param name="latin1">True when MSH-18 says ISO 8859-1, so <c>\Xhh\</c> bytes are Latin-1 rather than UTF-8.</param>
    public static string Unescape(string value, Hl7v2EncodingCharacters encoding, bool latin1 = false)
    {
        var escape = encoding.Escape;
        if (value.IndexOf(escape) < 0) return value;
        var text = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c != escape)
            {
                text.Append(c);
                i++;
                continue;
            }
            var close = value.IndexOf(escape, i + 1);
            if (close < 0)
            {
                // A lone escape character: literal text (an unescaped path or a truncated value).
                text.Append(value, i, value.Length - i);
                break;
            }
            var body = value.AsSpan(i + 1, close - i - 1);
            if (TryExpand(body, encoding, latin1, text))
            {
                i = close + 1;
            }
            else
            {
                // Not a known sequence: keep the escape character and text, and resume at the closing
                // character, which may itself open a real sequence (C:\MIME\F\x keeps "C:\MIME" then "|x").
                text.Append(escape).Append(body);
                i = close;
            }
        }
        return text.ToString();
    }

    /// <summary>Escapes delimiters in plain <paramref name="value"/> so it can be written into a field (used for ACK text).</summary>
    public static string Escape(string value, Hl7v2EncodingCharacters encoding)
    {
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c == encoding.Escape) text.Append(encoding.Escape).Append('E').Append(encoding.Escape);
            else if (c == encoding.Field) text.Append(encoding.Escape).Append('F').Append(encoding.Escape);
            else if (c == encoding.Component) text.Append(encoding.Escape).Append('S').Append(encoding.Escape);
            else if (c == encoding.Subcomponent) text.Append(encoding.Escape).Append('T').Append(encoding.Escape);
            else if (c == encoding.Repetition) text.Append(encoding.Escape).Append('R').Append(encoding.Escape);
            else if (c is '\r' or '\n') text.Append(' '); // a segment terminator inside a value would split the segment
            else text.Append(c);
        }
        return text.ToString();
    }

    private static bool TryExpand(ReadOnlySpan<char> body, Hl7v2EncodingCharacters encoding, bool latin1, StringBuilder text)
    {
        if (body.Length == 1)
        {
            switch (body[0])
            {
                case 'F': text.Append(encoding.Field); return true;
                case 'S': text.Append(encoding.Component); return true;
                case 'T': text.Append(encoding.Subcomponent); return true;
                case 'R': text.Append(encoding.Repetition); return true;
                case 'E': text.Append(encoding.Escape); return true;
                case 'P' when encoding.Truncation is { } t: text.Append(t); return true;
                case 'H': case 'N': return true; // highlight on/off: no plain-text equivalent
            }
            return false;
        }
        if (body[0] == 'X' && body.Length >= 3 && (body.Length - 1) % 2 == 0) return TryExpandHex(body[1..], latin1, text);
        if (body[0] == '.') return TryExpandFormatting(body[1..], text);
        return false;
    }

    private static bool TryExpandHex(ReadOnlySpan<char> hex, bool latin1, StringBuilder text)
    {
        var bytes = new byte[hex.Length / 2];
        for (var b = 0; b < bytes.Length; b++)
        {
            if (!byte.TryParse(hex.Slice(b * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[b]))
                return false;
        }
        if (!latin1)
        {
            try
            {
                text.Append(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
                return true;
            }
            catch (DecoderFallbackException)
            {
                // Single high bytes such as \XB0\ are almost always Latin-1 even when MSH-18 is silent.
            }
        }
        text.Append(Encoding.Latin1.GetString(bytes));
        return true;
    }

    /// <summary>Formatted-text commands (FT data type, v2.5 2.7.6): line breaks become newlines, layout hints are dropped.</summary>
    private static bool TryExpandFormatting(ReadOnlySpan<char> command, StringBuilder text)
    {
        if (command.SequenceEqual("br")) { text.Append('\n'); return true; }
        if (command.StartsWith("sp"))
        {
            var count = command.Length > 2 && int.TryParse(command[2..].Trim('+'), out var n) ? Math.Clamp(n, 1, 20) : 1;
            text.Append('\n', count);
            return true;
        }
        if (command.StartsWith("in") || command.StartsWith("ti") || command.StartsWith("sk") ||
            command.SequenceEqual("fi") || command.SequenceEqual("nf") || command.SequenceEqual("ce"))
            return true;
        return false;
    }
}
