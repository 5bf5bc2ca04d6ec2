using System.Text;
using Interop.Core.Fhir;

namespace Interop.Api.Import;

/// <summary>
/// Reads FHIR NDJSON (bulk data format: one resource per line, UTF-8, types may be mixed). Every
/// line is parsed on its own, so a bad line is reported with its number and the others still load.
/// </summary>
public static class NdjsonReader
{
    /// <summary>The non-blank lines of <paramref name="reader"/>, each parsed or with its problems.</summary>
    public static IEnumerable<NdjsonLine> Read(TextReader reader)
    {
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            yield return Parse(number, text);
        }
    }

    private static NdjsonLine Parse(int number, string text)
    {
        try
        {
            return new NdjsonLine(number, FhirSerialization.Parse(Encoding.UTF8.GetBytes(text), FhirFormat.Json), null);
        }
        catch (FhirException ex)
        {
            var problems = string.Join("; ", ex.Outcome.Issue.Select(i => i.Diagnostics).Where(d => !string.IsNullOrEmpty(d)));
            return new NdjsonLine(number, null, problems.Length > 0 ? problems : "not a FHIR resource in JSON");
        }
    }
}
