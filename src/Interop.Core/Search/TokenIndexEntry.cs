namespace Interop.Core.Search;

/// <summary>
/// A token value (R4 search 3.1.1.4.7). <see cref="Code"/> is null on the extra row that carries only
/// <c>CodeableConcept.text</c>, so plain code matches must require a non-null code. For identifiers,
/// <see cref="TypeSystem"/>/<see cref="TypeCode"/> carry <c>Identifier.type</c> codings for <c>:of-type</c>.
/// </summary>
public sealed record TokenIndexEntry(
    string ParamName,
    string? System,
    string? Code,
    string? Text,
    string? TypeSystem = null,
    string? TypeCode = null) : SearchIndexEntry(ParamName);
