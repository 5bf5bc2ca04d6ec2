namespace Interop.Adapters.Hl7v2;

/// <summary>
/// One segment of a message. Field numbers follow the standard: for MSH, field 1 is the field
/// separator and field 2 the encoding characters, so <c>MSH-9</c> is <c>GetField(9)</c> everywhere.
/// </summary>
public sealed class Hl7v2Segment
{
    // _fields[0] is the segment id; _fields[n] is field n (MSH gets the separator inserted at 1).
    private readonly string[] _fields;
    private readonly Hl7v2EncodingCharacters _encoding;
    private readonly bool _latin1;

    internal Hl7v2Segment(string raw, string[] fields, int index, int sequence, Hl7v2EncodingCharacters encoding, bool latin1)
    {
        Raw = raw;
        _fields = fields;
        Index = index;
        Sequence = sequence;
        _encoding = encoding;
        _latin1 = latin1;
    }

    /// <summary>Three-character segment id, e.g. <c>PID</c>.</summary>
    public string Id => _fields[0];

    /// <summary>The segment's text as received (without its terminator).</summary>
    public string Raw { get; }

    /// <summary>0-based position of the segment in its message.</summary>
    public int Index { get; }

    /// <summary>1-based occurrence of this segment id in its message (ERR-2.2 segment sequence).</summary>
    public int Sequence { get; }

    /// <summary>Highest field number present.</summary>
    public int FieldCount => _fields.Length - 1;

    /// <summary>Field <paramref name="position"/> in its escaped wire form (all repetitions); empty when absent.</summary>
    public string GetRawField(int position) =>
        position >= 1 && position < _fields.Length ? _fields[position] : "";

    /// <summary>All repetitions of a field; empty list when the field is absent or empty.</summary>
    public IReadOnlyList<Hl7v2Field> GetRepetitions(int position)
    {
        var raw = GetRawField(position);
        if (raw.Length == 0) return [];
        if (IsMshHeaderField(position)) return [new Hl7v2Field(raw, _encoding, _latin1)];
        return raw.Split(_encoding.Repetition).Select(r => new Hl7v2Field(r, _encoding, _latin1)).ToArray();
    }

    /// <summary>One repetition (1-based) of a field; an empty field when absent.</summary>
    public Hl7v2Field GetField(int position, int repetition = 1)
    {
        var repetitions = GetRepetitions(position);
        return repetition >= 1 && repetition <= repetitions.Count ? repetitions[repetition - 1] : Hl7v2Field.Empty;
    }

    /// <summary>Unescaped text of a field / component / subcomponent; null when absent, empty or explicit null.</summary>
    public string? Get(int position, int component = 1, int subcomponent = 1, int repetition = 1)
    {
        if (IsMshHeaderField(position)) return GetRawField(position) is { Length: > 0 } header ? header : null;
        return GetField(position, repetition).Get(component, subcomponent);
    }

    /// <summary>True when the field was sent as <c>""</c> (explicit null: the receiver should clear the value).</summary>
    public bool IsExplicitNull(int position) => GetRawField(position) == "\"\"";

    private bool IsMshHeaderField(int position) => position is 1 or 2 && Id == "MSH";

    public override string ToString() => Raw;
}
