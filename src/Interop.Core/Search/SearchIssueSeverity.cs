namespace Interop.Core.Search;

/// <summary>How serious a problem found while parsing a search is.</summary>
public enum SearchIssueSeverity
{
    /// <summary>The search cannot run as asked (strict handling): answer 400.</summary>
    Error,
    /// <summary>Something was ignored or adjusted (lenient handling, clamped <c>_count</c>): report in the Bundle.</summary>
    Warning,
}
