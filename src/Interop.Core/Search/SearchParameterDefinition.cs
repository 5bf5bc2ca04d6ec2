using Hl7.Fhir.Model;

namespace Interop.Core.Search;

/// <summary>
/// A search parameter as the gateway understands it: taken from the R4 definitions shipped with
/// the Firely SDK (<c>ModelInfo.SearchParameters</c>), from the common <c>Resource</c> parameters,
/// or registered at run time from a FHIR <c>SearchParameter</c>.
/// </summary>
/// <param name="ResourceType">The base the parameter is defined on (<c>Patient</c>, or <c>Resource</c> for the common ones).</param>
/// <param name="Code">The name used in the query string (<c>birthdate</c>, <c>_id</c>).</param>
/// <param name="Url">Canonical URL; composite components refer to their parameters by it.</param>
/// <param name="Type">FHIR search parameter type.</param>
/// <param name="Expression">FHIRPath expression as published (may cover several resource types joined by <c>|</c>).</param>
/// <param name="TargetTypes">For reference parameters: the resource types it may point to.</param>
/// <param name="Components">For composite parameters: the components in order.</param>
/// <param name="IsCustom">True when registered at run time.</param>
/// <param name="UnsupportedReason">Why the gateway does not index or search this parameter; null when it does.</param>
public sealed record SearchParameterDefinition(
    string ResourceType,
    string Code,
    string Url,
    SearchParamType Type,
    string? Expression,
    IReadOnlyList<string> TargetTypes,
    IReadOnlyList<SearchParameterComponent> Components,
    bool IsCustom = false,
    string? UnsupportedReason = null)
{
    /// <summary>True when the parameter is indexed and may be used in a query.</summary>
    public bool IsSupported => UnsupportedReason is null;
}
