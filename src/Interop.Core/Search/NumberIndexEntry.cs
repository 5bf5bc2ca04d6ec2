namespace Interop.Core.Search;

/// <summary>
/// A number with the half-open range <c>[Low, High)</c> implied by its precision
/// (<c>100</c> is <c>[99.5, 100.5)</c>, <c>100.0</c> is <c>[99.95, 100.05)</c>).
/// </summary>
public sealed record NumberIndexEntry(string ParamName, decimal Value, decimal Low, decimal High) : SearchIndexEntry(ParamName);
