namespace Interop.Core.Search;

/// <summary>How a search request is parsed.</summary>
/// <param name="Lenient">
/// <c>Prefer: handling=lenient</c>: unknown parameters, modifiers and bad values become warnings and the
/// parameter is dropped. Otherwise (strict, the default) they are errors.
/// </param>
/// <param name="DefaultCount">Page size when <c>_count</c> is absent.</param>
/// <param name="MaxCount">Largest page size; a larger <c>_count</c> is clamped with a warning.</param>
public sealed record SearchParseOptions(bool Lenient = false, int DefaultCount = 20, int MaxCount = 1000)
{
    /// <summary>Strict handling with the default page sizes.</summary>
    public static SearchParseOptions Strict { get; } = new();
}
