namespace Interop.Core.Search;

/// <summary>One <c>_sort</c> key; <c>-name</c> sorts descending.</summary>
public sealed record SortKey(SearchParameterDefinition Parameter, bool Descending);
