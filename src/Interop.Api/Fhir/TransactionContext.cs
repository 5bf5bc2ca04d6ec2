using Interop.Storage;

namespace Interop.Api.Fhir;

/// <summary>
/// What <see cref="BundleProcessor"/> needs to know about the caller besides the Bundle: the base
/// URL written into fullUrls, the custodian recorded on every version, and whether the response
/// carries the stored resources (<c>Prefer: return=representation</c>). Built from the request for
/// <c>POST /fhir</c>; the import verb builds one for the operator's system identity, with no HTTP
/// request at all. Scope checks stay with the scoped <see cref="Security.AccessGuard"/>.
/// </summary>
public sealed record TransactionContext(string BaseUrl, WriteContext Write, bool ReturnRepresentation = false)
{
    /// <summary>The context of a <c>POST /fhir</c> request.</summary>
    public static TransactionContext For(HttpContext http) => new(
        FhirRoutes.BaseUrl(http),
        CrudHandlers.WriteContextFor(http),
        http.Request.Headers["Prefer"].ToString().Contains("return=representation", StringComparison.OrdinalIgnoreCase));
}
