using System.Text.RegularExpressions;

namespace Interop.Core.Search;

/// <summary>
/// Splits a FHIR reference string into its parts (R4 references.html#literal): a relative
/// <c>Type/id[/_history/vid]</c>, a contained <c>#id</c>, or anything else kept as a URL.
/// </summary>
public static partial class ReferenceParser
{
    /// <summary>The parts of one reference string.</summary>
    public readonly record struct ParsedReference(string? TargetType, string? TargetId, string? Url, bool IsContained);

    /// <summary>Parses <paramref name="reference"/>; a blank input gives all nulls.</summary>
    public static ParsedReference Parse(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference)) return default;
        var value = reference.Trim();
        if (value.StartsWith('#')) return new ParsedReference(null, null, null, IsContained: true);
        var match = RelativePattern().Match(value);
        return match.Success
            ? new ParsedReference(match.Groups["type"].Value, match.Groups["id"].Value, null, false)
            : new ParsedReference(null, null, value, false);
    }

    /// <summary>For an absolute RESTful URL (<c>http://x/fhir/Patient/1</c>) returns its resource type, else null.</summary>
    public static string? TypeFromAbsoluteUrl(string url, Func<string, bool> isResourceType)
    {
        var match = AbsolutePattern().Match(url);
        return match.Success && isResourceType(match.Groups["type"].Value) ? match.Groups["type"].Value : null;
    }

    [GeneratedRegex(@"^(?<type>[A-Z][A-Za-z]+)/(?<id>[A-Za-z0-9\-\.]{1,64})(/_history/[A-Za-z0-9\-\.]{1,64})?$", RegexOptions.CultureInvariant)]
    private static partial Regex RelativePattern();

    [GeneratedRegex(@"^https?://.+/(?<type>[A-Z][A-Za-z]+)/[A-Za-z0-9\-\.]{1,64}(/_history/[A-Za-z0-9\-\.]{1,64})?$", RegexOptions.CultureInvariant)]
    private static partial Regex AbsolutePattern();
}
