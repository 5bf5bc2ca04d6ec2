namespace Interop.Core.Search;

/// <summary>A uri value, kept exactly as written (uri matching is case- and accent-sensitive).</summary>
public sealed record UriIndexEntry(string ParamName, string Uri) : SearchIndexEntry(ParamName);
