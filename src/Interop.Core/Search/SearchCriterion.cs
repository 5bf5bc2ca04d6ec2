namespace Interop.Core.Search;

/// <summary>
/// One query parameter occurrence: the resolved parameter, modifier and an OR list of values.
/// Criteria in a <see cref="SearchQuery"/> are ANDed.
/// </summary>
/// <param name="Name">The parameter name as received, modifiers and chain included.</param>
/// <param name="Path">Chain and reverse-chain hops before <see cref="Parameter"/>; empty for a plain criterion.</param>
/// <param name="Parameter">The leaf parameter the values are matched against.</param>
/// <param name="ParameterResourceTypes">The resource types the leaf parameter is evaluated on (after the path).</param>
/// <param name="Modifier">The leaf modifier.</param>
/// <param name="ModifierType">For <see cref="SearchModifier.Type"/>: the resource type named.</param>
/// <param name="Values">Values, any of which may match.</param>
public sealed record SearchCriterion(
    string Name,
    IReadOnlyList<SearchPathLink> Path,
    SearchParameterDefinition Parameter,
    IReadOnlyList<string> ParameterResourceTypes,
    SearchModifier Modifier,
    string? ModifierType,
    IReadOnlyList<SearchValue> Values);
