namespace Interop.Core.Search;

/// <summary>Search parameter modifiers (R4 search 3.1.1.5.5).</summary>
public enum SearchModifier
{
    None,
    Missing,
    Exact,
    Contains,
    Text,
    Not,
    Above,
    Below,
    In,
    NotIn,
    OfType,
    Identifier,
    /// <summary><c>:[Type]</c> on a reference: the type is in <see cref="SearchCriterion.ModifierType"/>.</summary>
    Type,
}
