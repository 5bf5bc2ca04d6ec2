namespace Interop.Storage.Search;

/// <summary>One page of a search.</summary>
/// <param name="Matches">The page's matches in sort order (search.mode = match).</param>
/// <param name="Included">Resources added by <c>_include</c>/<c>_revinclude</c> (search.mode = include), each once.</param>
/// <param name="Total">The number of matches (all pages) when <c>_total</c> or <c>_summary=count</c> asked for it.</param>
/// <param name="NextPageToken">The <c>_page</c> token of the next page; null on the last page.</param>
/// <param name="Withheld">True when rows that consent hides from this caller also met the criteria (never how many or which).</param>
public sealed record SearchResult(
    IReadOnlyList<StoredResource> Matches,
    IReadOnlyList<StoredResource> Included,
    int? Total,
    string? NextPageToken,
    bool Withheld);
