using Hl7.Fhir.Model;

namespace Interop.Api.Import;

/// <summary>One non-blank line of an NDJSON file: the resource it holds, or why it could not be read.</summary>
/// <param name="LineNumber">1-based, counting blank lines too, as an editor shows it.</param>
/// <param name="Resource">The parsed resource, or null when the line is not a valid resource.</param>
/// <param name="Error">Why the line could not be read, or null.</param>
public sealed record NdjsonLine(int LineNumber, Resource? Resource, string? Error);
