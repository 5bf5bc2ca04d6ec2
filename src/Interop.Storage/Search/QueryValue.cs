namespace Interop.Storage.Search;

/// <summary>
/// Holds one value of a built query (<see cref="SearchPredicateBuilder.Value{T}"/>). Not nested: EF Core
/// looks for the compiler's closure attribute, by reflection, on every constant of a nested private
/// type it meets while extracting parameters, and a search carries dozens of these.
/// </summary>
internal sealed class QueryValue<T>(T value)
{
    public T Value { get; } = value;
}
