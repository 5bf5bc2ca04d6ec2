using System.Globalization;
using System.Text;

namespace Interop.Core.Search;

/// <summary>
/// Normalises strings for FHIR string search, which is case- and accent-insensitive (R4 search
/// 3.1.1.4.8): lower-case, accents removed, whitespace collapsed to single spaces and trimmed.
/// </summary>
/// <remarks>
/// The gateway runs with invariant globalization, where <see cref="string.Normalize(NormalizationForm)"/>
/// leaves non-ASCII text untouched, so after the Unicode NFD pass (which strips combining marks
/// where ICU is available) a fixed table folds the Latin-1 and Latin Extended-A letters. Index rows
/// and query values go through this same function, so they always agree.
/// </remarks>
public static class SearchStringNormalizer
{
    private const string Accented =
        "ÀÁÂÃÄÅàáâãäåĀāĂăĄąÇçĆćĈĉĊċČčĎďĐđÈÉÊËèéêëĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħÌÍÎÏìíîïĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľĿŀŁłÑñŃńŅņŇňÒÓÔÕÖØòóôõöøŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųŴŵÝýÿŶŷŸŹźŻżŽž";
    private const string Folded =
        "aaaaaaaaaaaaaaaaaaccccccccccddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiiijjkkllllllllllnnnnnnnnoooooooooooooooooorrrrrrssssssssttttttuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzz";

    private static readonly Dictionary<char, char> FoldMap = BuildFoldMap();

    /// <summary>Returns the normalised form, or an empty string for null/blank input.</summary>
    public static string Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return string.Empty;

        string decomposed;
        try
        {
            decomposed = value.Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            decomposed = value; // ill-formed UTF-16 (lone surrogate): fold what we can
        }

        var builder = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var raw in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(raw) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsWhiteSpace(raw))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            var lower = char.ToLowerInvariant(raw);
            if (lower == 'ß') builder.Append("ss");
            else if (lower == 'æ') builder.Append("ae");
            else if (lower == 'œ') builder.Append("oe");
            else builder.Append(FoldMap.TryGetValue(lower, out var folded) ? folded : lower);
        }

        return builder.ToString();
    }

    private static Dictionary<char, char> BuildFoldMap()
    {
        if (Accented.Length != Folded.Length)
            throw new InvalidOperationException("Accent folding table is misaligned.");
        var map = new Dictionary<char, char>();
        for (var i = 0; i < Accented.Length; i++)
            map[char.ToLowerInvariant(Accented[i])] = Folded[i];
        return map;
    }
}
