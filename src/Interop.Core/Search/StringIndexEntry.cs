namespace Interop.Core.Search;

/// <summary>
/// A string value. <see cref="Normalized"/> (see <see cref="SearchStringNormalizer"/>) serves the
/// default "starts with" and <c>:contains</c> matches; <see cref="Exact"/> is the original text for <c>:exact</c>.
/// </summary>
public sealed record StringIndexEntry(string ParamName, string Normalized, string Exact) : SearchIndexEntry(ParamName);
