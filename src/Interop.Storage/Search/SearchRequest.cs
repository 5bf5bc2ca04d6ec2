using Interop.Core.Search;
using Interop.Storage.Consent;

namespace Interop.Storage.Search;

/// <summary>Who is searching, for the parts of a search that depend on the caller rather than the query.</summary>
/// <param name="Access">Patient confinement and consent: every matched, chained and included row passes it.</param>
/// <param name="PageBinding">
/// The caller and query identity the <c>_page</c> token is bound to (organisation, user, role, patient and the
/// canonical query): a token issued under another binding is refused.
/// </param>
/// <param name="ScopeConstraints">
/// SMART v2 scope constraints per resource type: alternatives (one per granting scope) ORed, each an AND of
/// criteria. A type absent from the map is unconstrained.
/// </param>
public sealed record SearchRequest(
    ReadAccess Access,
    string PageBinding,
    IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<SearchCriterion>>>? ScopeConstraints = null);
