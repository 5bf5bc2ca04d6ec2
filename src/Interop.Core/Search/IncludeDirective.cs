namespace Interop.Core.Search;

/// <summary>
/// An <c>_include</c> or <c>_revinclude</c>: <c>SourceType:parameter[:TargetType]</c>, or the wildcard
/// <c>*</c> (all reference parameters of <see cref="SourceType"/>, or of every searched type when that is null).
/// </summary>
public sealed record IncludeDirective(
    bool Reverse,
    string? SourceType,
    SearchParameterDefinition? Parameter,
    string? TargetType,
    bool Iterate,
    bool Wildcard);
