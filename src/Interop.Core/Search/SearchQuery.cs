namespace Interop.Core.Search;

/// <summary>
/// A parsed search request: what to match (criteria, ANDed, each an OR of values), what to add
/// (includes), how to order and page, and every problem found. Check <see cref="HasErrors"/>
/// before running it.
/// </summary>
public sealed record SearchQuery
{
    /// <summary>The searched types: one for a type-level search; those of <c>_type</c> (or none = all) for a system-level one.</summary>
    public required IReadOnlyList<string> ResourceTypes { get; init; }
    public bool IsSystemLevel { get; init; }
    public IReadOnlyList<SearchCriterion> Criteria { get; init; } = [];
    public IReadOnlyList<IncludeDirective> Includes { get; init; } = [];
    public IReadOnlyList<IncludeDirective> RevIncludes { get; init; } = [];
    public IReadOnlyList<SortKey> Sort { get; init; } = [];
    public int Count { get; init; }
    public TotalMode? Total { get; init; }
    public SummaryMode? Summary { get; init; }
    public IReadOnlyList<string> Elements { get; init; } = [];
    public ContainedMode Contained { get; init; }
    public ContainedTypeMode ContainedType { get; init; }
    /// <summary>The opaque <c>_page</c> token, carried unchanged for the store's paging.</summary>
    public string? PageToken { get; init; }
    public IReadOnlyList<SearchIssue> Issues { get; init; } = [];
    public bool HasErrors => Issues.Any(i => i.Severity == SearchIssueSeverity.Error);
}
