namespace Interop.Core.Search;

/// <summary>
/// A quantity: value with its precision range <c>[Low, High)</c> as for numbers, plus the
/// coded unit (<see cref="System"/>, <see cref="Code"/>) and the human unit (<see cref="Unit"/>).
/// Money is indexed with system <c>urn:iso:std:iso:4217</c> and the currency as code.
/// </summary>
public sealed record QuantityIndexEntry(
    string ParamName,
    string? System,
    string? Code,
    string? Unit,
    decimal Value,
    decimal Low,
    decimal High) : SearchIndexEntry(ParamName);
