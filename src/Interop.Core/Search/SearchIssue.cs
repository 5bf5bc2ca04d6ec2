namespace Interop.Core.Search;

/// <summary>One problem with a search request, naming the query parameter it concerns.</summary>
public sealed record SearchIssue(SearchIssueSeverity Severity, string Parameter, string Message);
