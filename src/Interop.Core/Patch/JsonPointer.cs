namespace Interop.Core.Patch;

/// <summary>
/// A parsed JSON Pointer (RFC 6901): the empty string names the whole document, otherwise
/// <c>/</c>-separated reference tokens in which <c>~1</c> stands for <c>/</c> and <c>~0</c> for <c>~</c>.
/// </summary>
internal sealed class JsonPointer
{
    private JsonPointer(string text, IReadOnlyList<string> tokens)
    {
        Text = text;
        Tokens = tokens;
    }

    /// <summary>The pointer as written in the patch document, for messages.</summary>
    public string Text { get; }

    /// <summary>The unescaped reference tokens; empty for the whole document.</summary>
    public IReadOnlyList<string> Tokens { get; }

    public bool IsWholeDocument => Tokens.Count == 0;

    public static bool TryParse(string text, out JsonPointer pointer, out string? error)
    {
        pointer = new JsonPointer(text, []);
        error = null;
        if (text.Length == 0)
            return true;
        if (text[0] != '/')
        {
            error = $"'{text}' is not a JSON Pointer: it must be empty or start with '/'";
            return false;
        }

        var tokens = new List<string>();
        foreach (var raw in text[1..].Split('/'))
        {
            if (!TryUnescape(raw, out var token))
            {
                error = $"'{text}' is not a JSON Pointer: '~' must be followed by '0' or '1' (RFC 6901 section 3)";
                return false;
            }
            tokens.Add(token);
        }
        pointer = new JsonPointer(text, tokens);
        return true;
    }

    /// <summary>True when this pointer names a strict ancestor of <paramref name="other"/>.</summary>
    public bool IsProperPrefixOf(JsonPointer other) =>
        Tokens.Count < other.Tokens.Count && Tokens.Select((t, i) => t == other.Tokens[i]).All(same => same);

    public override string ToString() => Text;

    // RFC 6901 section 4: transform ~1 to / first, then ~0 to ~, so "~01" becomes "~1" and not "/".
    private static bool TryUnescape(string raw, out string token)
    {
        token = raw;
        if (!raw.Contains('~'))
            return true;
        var builder = new System.Text.StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '~')
            {
                builder.Append(raw[i]);
                continue;
            }
            if (i + 1 >= raw.Length || (raw[i + 1] != '0' && raw[i + 1] != '1'))
                return false;
            builder.Append(raw[i + 1] == '0' ? '~' : '/');
            i++;
        }
        token = builder.ToString();
        return true;
    }
}
