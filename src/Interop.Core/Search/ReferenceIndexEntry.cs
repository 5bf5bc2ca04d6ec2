namespace Interop.Core.Search;

/// <summary>
/// A reference. Relative literal references fill <see cref="TargetType"/>/<see cref="TargetId"/>
/// (any <c>/_history/n</c> dropped); absolute URLs, <c>urn:uuid:</c>/<c>urn:oid:</c> and canonicals
/// go to <see cref="Url"/> (a canonical's <c>|version</c> split into <see cref="Version"/>);
/// <c>Reference.identifier</c> is kept for the <c>:identifier</c> modifier. Contained references
/// (<c>#id</c>) produce no literal part.
/// </summary>
public sealed record ReferenceIndexEntry(
    string ParamName,
    string? TargetType,
    string? TargetId,
    string? Url,
    string? IdentifierSystem,
    string? IdentifierValue,
    string? Version = null) : SearchIndexEntry(ParamName);
