namespace Interop.Adapters.Hl7v2;

/// <summary>
/// One repetition of one field, still in its escaped wire form, with accessors for components and
/// subcomponents. <c>""</c> (two double quotes) is HL7's explicit null: "delete this value".
/// </summary>
public sealed class Hl7v2Field
{
    private readonly Hl7v2EncodingCharacters _encoding;
    private readonly bool _latin1;
    private string[]? _components;

    internal Hl7v2Field(string raw, Hl7v2EncodingCharacters encoding, bool latin1)
    {
        Raw = raw;
        _encoding = encoding;
        _latin1 = latin1;
    }

    internal static Hl7v2Field Empty { get; } = new("", Hl7v2EncodingCharacters.Standard, false);

    /// <summary>The escaped text between the delimiters, exactly as received.</summary>
    public string Raw { get; }

    /// <summary>True when nothing was sent (not even an explicit null).</summary>
    public bool IsEmpty => Raw.Length == 0;

    /// <summary>True when the sender wrote <c>""</c>: the value is explicitly null (v2.5 2.5.3).</summary>
    public bool IsExplicitNull => Raw == "\"\"";

    /// <summary>How many components were sent (at least 1 unless the field is empty).</summary>
    public int ComponentCount => IsEmpty ? 0 : Components.Length;

    private string[] Components => _components ??= Raw.Split(_encoding.Component);

    /// <summary>
    /// The unescaped text of one component (1-based) or one subcomponent of it; null when absent,
    /// empty or an explicit null.
    /// </summary>
    public string? Get(int component = 1, int subcomponent = 1)
    {
        if (component < 1 || subcomponent < 1 || IsEmpty) return null;
        var components = Components;
        if (component > components.Length) return null;
        var raw = components[component - 1];
        if (raw.IndexOf(_encoding.Subcomponent) >= 0)
        {
            var subs = raw.Split(_encoding.Subcomponent);
            if (subcomponent > subs.Length) return null;
            raw = subs[subcomponent - 1];
        }
        else if (subcomponent > 1)
        {
            return null;
        }
        if (raw.Length == 0 || raw == "\"\"") return null;
        return Hl7v2Escaping.Unescape(raw, _encoding, _latin1);
    }

    /// <summary>The whole component (1-based) unescaped, subcomponent separators kept as sent.</summary>
    public string? GetComponentText(int component)
    {
        if (component < 1 || IsEmpty) return null;
        var components = Components;
        if (component > components.Length || components[component - 1].Length == 0 || components[component - 1] == "\"\"")
            return null;
        var subs = components[component - 1].Split(_encoding.Subcomponent)
            .Select(s => Hl7v2Escaping.Unescape(s, _encoding, _latin1));
        return string.Join(_encoding.Subcomponent, subs);
    }

    /// <summary>Splits a component into its unescaped subcomponents (empty strings kept, so positions hold).</summary>
    public IReadOnlyList<string> GetSubcomponents(int component)
    {
        if (component < 1 || IsEmpty || component > Components.Length) return [];
        return Components[component - 1].Split(_encoding.Subcomponent)
            .Select(s => s == "\"\"" ? "" : Hl7v2Escaping.Unescape(s, _encoding, _latin1)).ToArray();
    }

    public override string ToString() => Raw;
}
