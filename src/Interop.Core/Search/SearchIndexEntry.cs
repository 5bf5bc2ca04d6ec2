namespace Interop.Core.Search;

/// <summary>
/// One row of the search index extracted from a resource: the parameter code plus a typed,
/// normalised value ready to be written to the matching index table.
/// </summary>
public abstract record SearchIndexEntry(string ParamName);
