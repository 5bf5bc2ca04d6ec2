namespace Interop.Core.Search;

/// <summary>
/// A date value as a half-open UTC range <c>[Start, End)</c> covering the value's precision
/// (<c>2020-03</c> is <c>[2020-03-01T00:00Z, 2020-04-01T00:00Z)</c>). Open period ends are
/// <see cref="DateTimeOffset.MinValue"/> / <see cref="DateTimeOffset.MaxValue"/>.
/// </summary>
public sealed record DateIndexEntry(string ParamName, DateTimeOffset Start, DateTimeOffset End) : SearchIndexEntry(ParamName);
