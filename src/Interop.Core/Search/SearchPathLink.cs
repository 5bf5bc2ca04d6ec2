namespace Interop.Core.Search;

/// <summary>One hop of a chained or reverse-chained criterion, applied in order from the searched type.</summary>
public abstract record SearchPathLink;

/// <summary>
/// A forward chain hop (<c>subject:Patient.name</c>): follow <see cref="ReferenceParameter"/> to
/// resources of any of <see cref="TargetTypes"/> (one when the <c>:[Type]</c> modifier was given; otherwise
/// every target type of the reference that defines the next parameter).
/// </summary>
public sealed record ForwardChainLink(SearchParameterDefinition ReferenceParameter, IReadOnlyList<string> TargetTypes) : SearchPathLink;

/// <summary>
/// A reverse chain hop (<c>_has:Observation:patient:...</c>): resources of <see cref="SourceType"/>
/// whose <see cref="ReferenceParameter"/> points at the current resource.
/// </summary>
public sealed record ReverseChainLink(string SourceType, SearchParameterDefinition ReferenceParameter) : SearchPathLink;
