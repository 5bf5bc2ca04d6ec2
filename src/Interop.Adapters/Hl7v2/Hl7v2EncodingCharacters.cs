namespace Interop.Adapters.Hl7v2;

/// <summary>
/// The delimiters a message declares in MSH-1 (field separator) and MSH-2 (component, repetition,
/// escape, subcomponent and, from v2.7, truncation character).
/// </summary>
public sealed record Hl7v2EncodingCharacters(
    char Field, char Component, char Repetition, char Escape, char Subcomponent, char? Truncation = null)
{
    /// <summary>The recommended set <c>|^~\&amp;</c> used by nearly every sender and by our ACKs.</summary>
    public static Hl7v2EncodingCharacters Standard { get; } = new('|', '^', '~', '\\', '&');

    /// <summary>MSH-2 as it should be written for this set.</summary>
    public string Msh2 => Truncation is { } t
        ? $"{Component}{Repetition}{Escape}{Subcomponent}{t}"
        : $"{Component}{Repetition}{Escape}{Subcomponent}";

    /// <summary>True when <paramref name="c"/> is any delimiter of this set.</summary>
    public bool IsDelimiter(char c) =>
        c == Field || c == Component || c == Repetition || c == Escape || c == Subcomponent;
}
